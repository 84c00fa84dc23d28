/**
 * The one contract between the core and any UI: commands are request/response (promises), events
 * are batched feeds (`onX(listener) → unsubscribe`). The Electron preload and the headless
 * server's WebSocket client both build an `InspectorApi` from `apiCommandNames` and
 * `apiEventNames`, so a command or event added here reaches both hosts by construction.
 */
import type { Connection, HeaderList } from './model/connection.ts';
import type { EntryKind, Direction } from './model/entry.ts';
import type { EntryRow, WireEntry } from './model/wire.ts';
import type { LlmModeOverride, LlmSummary } from './model/llm.ts';
import type { Finding } from './model/diagnostics.ts';
import type {
  ProtocolAnnotation,
  ProtocolChannel,
  ProtocolFallback,
  ProtocolName,
  ProtocolPair,
  UnansweredRequest,
} from './model/protocol.ts';
import type {
  BreakpointRule,
  BreakpointState,
  HandshakeRule,
  MockInfo,
  ReplayRequest,
  ReplayResult,
  SentMessage,
} from './model/replay.ts';

export interface OpenConnectionRequest {
  url: string;
  /** `ws` for ws:/wss:, `sse` for http:/https: unless given. */
  mode?: 'ws' | 'sse';
  headers?: HeaderList;
  protocols?: string[];
  deflate?: boolean;
  insecure?: boolean;
  method?: string;
  body?: string;
  reconnect?: boolean;
  autoPingMs?: number;
}

export type OutgoingMessage = { kind: 'text'; text: string } | { kind: 'binary'; base64: string };

export interface EntryQuery {
  /** Filter language text (docs/filter-language.md); empty matches everything. */
  filter?: string;
  connectionId?: string;
  kinds?: EntryKind[];
  direction?: Direction;
  fromSeq?: number;
  limit?: number;
}

export interface EntryQueryResult {
  seqs: number[];
  /** Matches in all, when `limit` cut the list short. */
  total: number;
}

export interface Settings {
  theme: 'system' | 'light' | 'dark';
  timeDisplay: 'absolute' | 'relative';
}

export interface SessionInfo {
  connections: number;
  entries: number;
  lastSeq: number;
}

export interface ProxySettings {
  /** 0 picks a free port. */
  port: number;
  /** Loopback only through the API (127.0.0.1, ::1, localhost); other addresses need the CLI flag. */
  host?: string;
  /** Intercept HTTPS in CONNECT tunnels with Telltale's CA. */
  mitm?: boolean;
  insecureUpstream?: boolean;
  /** Reverse mode: everything goes to this http/https/ws/wss upstream. */
  target?: string;
}

export interface ProxyState {
  running: boolean;
  /** Where it listens, while running. */
  url?: string;
  settings: ProxySettings;
  /** Why the last start failed (port taken…). */
  error?: string;
  /** The CA, once MITM has made or loaded it. */
  ca?: { certPath: string; spkiSha256: string };
}

export interface CaCertificate {
  pem: string;
  certPath: string;
  /** Base64 SHA-256 of the SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  spkiSha256: string;
}

/** The protocol views of the session (docs/protocols.md). */
export interface ProtocolOverview {
  channels: ProtocolChannel[];
  unanswered: UnansweredRequest[];
  /** Connections shown raw because their messages did not fit the protocol. */
  fallbacks: ProtocolFallback[];
}

/** A channel's newest annotated entries (ascending by seq) and the pairs any of them ends. */
export interface ChannelMessages {
  channelId: string;
  annotations: ProtocolAnnotation[];
  pairs: ProtocolPair[];
  /** Annotated entries of the channel in all (more than `annotations` when cut). */
  total: number;
}

/** One entry in its protocol's words: the messages, their decoded trees and their pairs. */
export interface ProtocolEntryDetail {
  annotation: ProtocolAnnotation;
  /** Per message: its decoded value (JSON), when it has one. */
  trees: unknown[];
  pairs: ProtocolPair[];
  /**
   * A binary payload that is one whole msgpack or CBOR map or array, as a JSON-safe tree (`$`
   * nodes for bytes, tags, extensions, non-string keys: docs/protocols.md). Such an entry has a
   * detail even when it carries no protocol message (`annotation.messages` is then empty).
   */
  payload?: PayloadTree;
}

export type PayloadTreeFormat = 'msgpack' | 'cbor';

export interface PayloadTree {
  format: PayloadTreeFormat;
  tree: unknown;
  /** Clipped by the tree's bounds (depth, nodes, string and bytes previews). */
  truncated: boolean;
}

export interface SessionExportRequest {
  format: 'har' | 'ndjson';
  /** Redact Authorization, Cookie, Set-Cookie… (default true). */
  redact?: boolean;
  /** More header names and query parameters to redact. */
  redactHeaders?: string[];
  redactQuery?: string[];
  /** Only these connections; all when absent. */
  connectionIds?: string[];
  /** Only entries matching this filter (docs/filter-language.md). */
  filter?: string;
}

/** A session file's content, as a browser uploads or downloads it. */
export interface SessionFileContent {
  fileName: string;
  text: string;
}

export interface SessionOpened {
  info: SessionInfo;
  /** What was skipped or estimated while reading (a torn last line, foreign HAR fields…). */
  notes: string[];
}

/** A journal in the data folder: every session is written there as it is captured. */
export interface SavedSession {
  name: string;
  size: number;
  modified: number;
  /** The journal of the session open now. */
  current: boolean;
}

/** Commands: each returns a promise; arguments and results are plain JSON. */
export interface InspectorCommands {
  /** The version of the core and which host serves it. */
  hello(): Promise<{ version: string; host: 'electron' | 'server' | 'test' }>;
  listConnections(): Promise<Connection[]>;
  openConnection(request: OpenConnectionRequest): Promise<Connection>;
  closeConnection(connectionId: string, code?: number, reason?: string): Promise<Connection>;
  sendMessage(connectionId: string, message: OutgoingMessage): Promise<void>;
  queryEntries(query: EntryQuery): Promise<EntryQueryResult>;
  /** Compact rows for seqs (e.g. to fill the timeline after a query or on boot). */
  getRows(seqs: number[]): Promise<EntryRow[]>;
  getEntry(seq: number): Promise<WireEntry | null>;
  sessionInfo(): Promise<SessionInfo>;
  /** Closes every live connection and starts a new, empty session. */
  clearSession(): Promise<void>;
  /** The session (or a selection of it) as a HAR or NDJSON file's text. */
  exportSession(request: SessionExportRequest): Promise<SessionFileContent>;
  /** Replaces the session with a file's content (HAR from any tool, or Telltale NDJSON). */
  importSession(file: SessionFileContent): Promise<SessionOpened>;
  /** Journals kept in the data folder, newest first (empty when the host keeps none). */
  listSavedSessions(): Promise<SavedSession[]>;
  /** Reopens a journal from the data folder by name. */
  openSavedSession(name: string): Promise<SessionOpened>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  getProxyState(): Promise<ProxyState>;
  /** Starts the proxy, or restarts it with new settings. */
  startProxy(settings: ProxySettings): Promise<ProxyState>;
  stopProxy(): Promise<ProxyState>;
  /** Telltale's CA certificate (made on first use), to trust it in a client. */
  getCaCertificate(): Promise<CaCertificate>;
  /** Every LLM token stream of the session, assembled (docs/llm.md). */
  listLlmSummaries(): Promise<LlmSummary[]>;
  /** Says how to read a connection as an LLM stream (null: detect it again). */
  setLlmMode(connectionId: string, mode: LlmModeOverride | null): Promise<LlmSummary | null>;
  /** The stream diagnostics' current findings (docs/diagnostics.md). */
  listFindings(): Promise<Finding[]>;
  /** Protocol channels (Socket.IO, JSON-RPC, GraphQL, STOMP, MQTT, SignalR…), pairs, fallbacks. */
  getProtocols(): Promise<ProtocolOverview>;
  /**
   * An entry's protocol messages with their decoded trees and pairs, and its msgpack/CBOR payload
   * tree; null when it carries none of these.
   */
  getProtocolDetail(seq: number): Promise<ProtocolEntryDetail | null>;
  /**
   * A channel's newest protocol messages (`limit` entries, default 500, at most 20 000) with the
   * pairs they end, for the per-channel tables; null for an unknown channel.
   */
  getChannelMessages(channelId: string, limit?: number): Promise<ChannelMessages | null>;
  /** Reads a connection as this protocol, as raw (`raw`), or detects it again (`auto`). */
  setProtocol(
    connectionId: string,
    protocol: ProtocolName | 'raw' | 'auto',
  ): Promise<ProtocolOverview>;
  /**
   * Sends Telltale's own message into a live proxied connection: WebSocket text/binary toward
   * the server (`out`) or the client (`in`), or an SSE event toward the client (docs/replay.md).
   */
  injectMessage(connectionId: string, direction: Direction, message: SentMessage): Promise<void>;
  /** A recorded message again (edited or not): on its connection if live, else a fresh one. */
  resendEntry(seq: number, edited?: SentMessage): Promise<Connection>;
  getBreakpoints(): Promise<BreakpointState>;
  setBreakpointRules(rules: BreakpointRule[]): Promise<BreakpointState>;
  setHandshakeRules(rules: HandshakeRule[]): Promise<BreakpointState>;
  /** Decides a paused message: forward it (edited or not) or drop it. */
  resolvePaused(
    id: string,
    action: 'forward' | 'drop',
    edited?: SentMessage,
  ): Promise<BreakpointState>;
  /** Replays a recorded connection against its server (or another URL) as a new connection. */
  replayConnection(request: ReplayRequest): Promise<ReplayResult>;
  /** Serves a recorded connection on a loopback port. */
  startMock(
    connectionId: string,
    options: { port?: number; mode?: 'timed' | 'answer' },
  ): Promise<MockInfo>;
  stopMock(id: string): Promise<MockInfo[]>;
  listMocks(): Promise<MockInfo[]>;
}

export type CommandName = keyof InspectorCommands;

/** Events: batches, delivered in order; the function returned unsubscribes. */
export interface InspectorEvents {
  onEntries(listener: (rows: EntryRow[]) => void): () => void;
  onConnections(listener: (connections: Connection[]) => void): () => void;
  /** The session was cleared or replaced: drop what you hold and re-query. */
  onSessionReset(listener: (info: SessionInfo) => void): () => void;
  onSettings(listener: (settings: Settings) => void): () => void;
  onProxyState(listener: (state: ProxyState) => void): () => void;
  /** LLM summaries that changed (live, as tokens arrive). */
  onLlm(listener: (summaries: LlmSummary[]) => void): () => void;
  /** The whole list of findings, whenever it changes. */
  onFindings(listener: (findings: Finding[]) => void): () => void;
  /** The protocol views of these connections changed (new messages, pairs, a choice). */
  onProtocols(listener: (connectionIds: string[]) => void): () => void;
  /** Rules or paused messages changed (a message paused, was decided, or timed out). */
  onBreakpoints(listener: (state: BreakpointState) => void): () => void;
}

export type InspectorApi = InspectorCommands & InspectorEvents;

/** `onEntries` → `entries`: the payload type each event carries. */
export interface EventPayloads {
  entries: EntryRow[];
  connections: Connection[];
  sessionReset: SessionInfo;
  settings: Settings;
  proxyState: ProxyState;
  llm: LlmSummary[];
  findings: Finding[];
  breakpoints: BreakpointState;
  protocols: string[];
}
export type EventName = keyof EventPayloads;

export const apiCommandNames = [
  'hello',
  'listConnections',
  'openConnection',
  'closeConnection',
  'sendMessage',
  'queryEntries',
  'getRows',
  'getEntry',
  'sessionInfo',
  'clearSession',
  'exportSession',
  'importSession',
  'listSavedSessions',
  'openSavedSession',
  'getSettings',
  'updateSettings',
  'getProxyState',
  'startProxy',
  'stopProxy',
  'getCaCertificate',
  'listLlmSummaries',
  'setLlmMode',
  'listFindings',
  'getProtocols',
  'getProtocolDetail',
  'getChannelMessages',
  'setProtocol',
  'injectMessage',
  'resendEntry',
  'getBreakpoints',
  'setBreakpointRules',
  'setHandshakeRules',
  'resolvePaused',
  'replayConnection',
  'startMock',
  'stopMock',
  'listMocks',
] as const satisfies readonly CommandName[];

export const apiEventNames = [
  'entries',
  'connections',
  'sessionReset',
  'settings',
  'proxyState',
  'llm',
  'findings',
  'breakpoints',
  'protocols',
] as const satisfies readonly EventName[];

/** `entries` → `onEntries`. */
export function listenerMethodOf(event: EventName): `on${Capitalize<EventName>}` {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}` as `on${Capitalize<EventName>}`;
}

// Compile-time proof that the name lists cover the interfaces exactly: these aliases fail to
// type-check if a command or event is missing from its list.
type AssertNever<T extends never> = T;
export type CommandsAllListed = AssertNever<Exclude<CommandName, (typeof apiCommandNames)[number]>>;
export type EventsAllListed = AssertNever<Exclude<EventName, (typeof apiEventNames)[number]>>;

/** A failed command, as every transport reports it. */
export interface ApiErrorShape {
  code: 'invalid-arguments' | 'unknown-command' | 'too-large' | 'not-found' | 'failed';
  message: string;
}
