/**
 * InspectorService: the InspectorApi over the core. It knows nothing of the host it runs in:
 * the Electron shell, the headless server and the tests drive this same object.
 */
import type {
  ChannelMessages,
  ProtocolEntryDetail,
  ProtocolOverview,
  CaCertificate,
  ProxySettings,
  ProxyState,
  SavedSession,
  SessionExportRequest,
  SessionFileContent,
  SessionOpened,
  EntryQuery,
  EntryQueryResult,
  InspectorApi,
  OpenConnectionRequest,
  OutgoingMessage,
  SessionInfo,
  Settings,
} from '../../shared/api.ts';
import type { Connection } from '../../shared/model/connection.ts';
import type { EntryRow, WireEntry } from '../../shared/model/wire.ts';
import { ApiError } from './api/api-error.ts';
import { EventHub } from './api/event-hub.ts';
import { toRow, toWireEntry } from './api/wire.ts';
import { openSseConnection } from './connect/sse-client.ts';
import type { SseClientHandle } from './connect/sse-client.ts';
import { openWsConnection } from './connect/ws-client.ts';
import type { WsClientHandle } from './connect/ws-client.ts';
import { matchEntries } from './api/query.ts';
import { exportOptions, exportSessionText, importSessionText } from './api/session-transfer.ts';
import { derivedRecords } from './derived-records.ts';
import { JournalFolder } from './journal-folder.ts';
import { LiveDiagnostics } from './diagnostics/index.ts';
import { LlmStreams } from './llm/index.ts';
import { ProtocolFilterContext, ProtocolViews } from './protocol/dissect/index.ts';
import { entryPayloadTree } from './protocol/payload-tree/index.ts';
import type { ProtocolName } from '../../shared/model/protocol.ts';
import type { Finding } from '../../shared/model/diagnostics.ts';
import type { LlmModeOverride, LlmSummary } from '../../shared/model/llm.ts';
import { ProxyController } from './proxy-controller.ts';
import { payloadOf, ReplayFeatures } from './replay-features.ts';
import { proxyLiveSender, resendEntry, ResendError } from './replay/resend.ts';
import type { LiveSender } from './replay/resend.ts';
import type { Direction } from '../../shared/model/entry.ts';
import type {
  BreakpointRule,
  BreakpointState,
  HandshakeRule,
  MockInfo,
  ReplayRequest,
  ReplayResult,
  SentMessage,
} from '../../shared/model/replay.ts';
import { NdjsonSessionWriter } from './session/ndjson-writer.ts';
import { openSessionFile, saveSessionFile } from './session/session-file.ts';
import { SessionStore } from './session/store.ts';
import { SettingsFile } from './settings-file.ts';

export interface InspectorServiceOptions {
  version: string;
  host: 'electron' | 'server' | 'test';
  /** Where settings persist (a JSON file); in memory only when absent. */
  settingsPath?: string;
  /** Change-feed batching (ms); the store coalesces about a frame's worth. */
  batchIntervalMs?: number;
  /** Journal every session into this folder as it is captured (the app's data folder). */
  journalDir?: string;
  /** Where the proxy's CA lives (the data folder); MITM is unavailable without it. */
  caDir?: string;
}

/** Rows per `entries` event (see #attachStore). */
const maxRowsPerEvent = 2000;

type LiveHandle = { kind: 'ws'; handle: WsClientHandle } | { kind: 'sse'; handle: SseClientHandle };

export class InspectorService implements InspectorApi {
  readonly #options: InspectorServiceOptions;
  readonly #events = new EventHub();
  readonly #live = new Map<string, LiveHandle>();
  readonly #settings: SettingsFile;
  readonly #journals: JournalFolder | undefined;
  readonly #proxy: ProxyController;
  readonly #replay: ReplayFeatures;
  #store!: SessionStore;
  #unsubscribeStore: (() => void) | undefined;
  /** LLM answers and diagnostics of the current store, live. */
  #llm!: LlmStreams;
  #protocols!: ProtocolViews;
  #diagnostics!: LiveDiagnostics;
  #journal: NdjsonSessionWriter | undefined;

  constructor(options: InspectorServiceOptions) {
    this.#options = options;
    this.#settings = new SettingsFile(options.settingsPath);
    this.#journals = options.journalDir ? new JournalFolder(options.journalDir) : undefined;
    this.#attachStore(this.#newStore());
    this.#replay = new ReplayFeatures(
      () => this.#store,
      () => this.#proxy,
      (state) => {
        this.#events.emit('breakpoints', state);
      },
    );
    // Breakpoint rules read protocol terms in the current session's protocol views.
    this.#replay.breakpoints.useProtocols(() => this.#protocols);
    this.#proxy = new ProxyController(
      () => this.#store,
      options.caDir,
      (state) => {
        this.#events.emit('proxyState', state);
      },
      this.#replay.breakpoints,
    );
  }

  /** The store behind the session (hosts use it for journals and shutdown flushes). */
  get store(): SessionStore {
    return this.#store;
  }

  #newStore(): SessionStore {
    return new SessionStore({ batchIntervalMs: this.#options.batchIntervalMs ?? 16 });
  }

  /** Makes `store` the session: events follow it, and a new journal records it from its start. */
  #attachStore(store: SessionStore): void {
    this.#unsubscribeStore?.();
    this.#store = store;
    this.#protocols = new ProtocolViews(store);
    this.#protocols.onChange((connectionIds) => {
      if (connectionIds.length > 0) this.#events.emit('protocols', connectionIds);
    });
    this.#llm = new LlmStreams(store);
    this.#llm.onChange((answerIds) => {
      const summaries = answerIds.flatMap((id) => this.#llm.summaryOf(id) ?? []);
      if (summaries.length > 0) this.#events.emit('llm', summaries);
    });
    this.#diagnostics = new LiveDiagnostics(store, { protocols: this.#protocols });
    this.#diagnostics.onChange((findings) => {
      this.#events.emit('findings', findings);
    });
    if (this.#journals) {
      this.#journal = new NdjsonSessionWriter(this.#journals.newJournalPath(), {
        store,
        onError: (error) => {
          console.error(`telltale: the session journal stopped: ${error.message}`);
        },
      });
    }
    this.#unsubscribeStore = store.subscribe((batch) => {
      if (batch.connections.length > 0) this.#events.emit('connections', [...batch.connections]);
      // Bounded event messages: a flood's backlog arrives as several small batches, so no
      // single message makes a renderer parse megabytes in one task.
      for (let at = 0; at < batch.entries.length; at += maxRowsPerEvent) {
        this.#events.emit('entries', batch.entries.slice(at, at + maxRowsPerEvent).map(toRow));
      }
    });
  }

  // ---- commands ------------------------------------------------------------------------------

  hello(): Promise<{ version: string; host: 'electron' | 'server' | 'test' }> {
    return Promise.resolve({ version: this.#options.version, host: this.#options.host });
  }

  listConnections(): Promise<Connection[]> {
    return Promise.resolve([...this.#store.connections()]);
  }

  async openConnection(request: OpenConnectionRequest): Promise<Connection> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new ApiError('invalid-arguments', `not a valid URL: ${request.url}`);
    }
    const scheme = url.protocol;
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(scheme)) {
      throw new ApiError(
        'invalid-arguments',
        `unsupported URL scheme "${scheme}" (use ws:, wss:, http: or https:)`,
      );
    }
    const mode = request.mode ?? (scheme === 'ws:' || scheme === 'wss:' ? 'ws' : 'sse');
    if (mode === 'sse' && (scheme === 'ws:' || scheme === 'wss:'))
      url.protocol = scheme === 'ws:' ? 'http:' : 'https:';
    if (mode === 'ws' && (scheme === 'http:' || scheme === 'https:'))
      url.protocol = scheme === 'http:' ? 'ws:' : 'wss:';

    const store = this.#store;
    let id: string;
    let opened: Promise<void>;
    if (mode === 'ws') {
      const handle = openWsConnection(store, {
        url: url.toString(),
        headers: request.headers ?? [],
        protocols: request.protocols ?? [],
        deflate: request.deflate ?? true,
        insecure: request.insecure ?? false,
        autoPingMs: request.autoPingMs ?? 0,
      });
      id = handle.connectionId;
      opened = handle.opened;
      this.#live.set(id, { kind: 'ws', handle });
      void handle.done.then(() => this.#live.delete(id));
    } else {
      const handle = openSseConnection(store, {
        url: url.toString(),
        headers: request.headers ?? [],
        insecure: request.insecure ?? false,
        reconnect: request.reconnect ?? true,
        ...(request.method !== undefined ? { method: request.method.toUpperCase() } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      id = handle.connectionId;
      opened = handle.opened;
      this.#live.set(id, { kind: 'sse', handle });
      void handle.done.then(() => this.#live.delete(id));
    }
    // Wait for the handshake either way: the caller learns at once whether it worked, and the
    // connection record says how it failed when it did.
    await opened.catch(() => undefined);
    const connection = store.getConnection(id);
    if (!connection) throw new ApiError('failed', `connection ${id} vanished`);
    return connection;
  }

  async closeConnection(connectionId: string, code?: number, reason?: string): Promise<Connection> {
    const live = this.#findLive(connectionId);
    if (live?.kind === 'ws') await live.handle.close(code ?? 1000, reason ?? '');
    else if (live?.kind === 'sse') await live.handle.close();
    const connection = this.#store.getConnection(connectionId);
    if (!connection) throw new ApiError('not-found', `no connection ${connectionId}`);
    return connection;
  }

  async sendMessage(connectionId: string, message: OutgoingMessage): Promise<void> {
    const connection = this.#store.getConnection(connectionId);
    if (!connection) throw new ApiError('not-found', `no connection ${connectionId}`);
    const live = this.#live.get(connectionId);
    if (connection.kind !== 'ws') {
      throw new ApiError(
        'failed',
        `cannot send on ${connection.kind.toUpperCase()} connection ${connectionId}: only WebSocket connections take messages`,
      );
    }
    if (live?.kind !== 'ws') {
      throw new ApiError(
        'failed',
        `cannot send: connection ${connectionId} is ${connection.state}`,
      );
    }
    try {
      if (message.kind === 'text') await live.handle.sendText(message.text);
      else await live.handle.sendBinary(Buffer.from(message.base64, 'base64'));
    } catch (error) {
      throw new ApiError('failed', (error as Error).message);
    }
  }

  queryEntries(query: EntryQuery): Promise<EntryQueryResult> {
    const result = matchEntries(this.#store, query, this.#protocols);
    if ('error' in result) throw new ApiError('invalid-arguments', result.error);
    return Promise.resolve(result);
  }

  getRows(seqs: number[]): Promise<EntryRow[]> {
    const rows: EntryRow[] = [];
    for (const seq of seqs) {
      const entry = this.#store.get(seq);
      if (entry) rows.push(toRow(entry));
    }
    return Promise.resolve(rows);
  }

  getEntry(seq: number): Promise<WireEntry | null> {
    const entry = this.#store.get(seq);
    return Promise.resolve(entry ? toWireEntry(entry) : null);
  }

  sessionInfo(): Promise<SessionInfo> {
    return Promise.resolve(this.#info());
  }

  async clearSession(): Promise<void> {
    await this.#replaceStore(this.#newStore());
  }

  exportSession(request: SessionExportRequest): Promise<SessionFileContent> {
    this.#store.flush();
    return exportSessionText(this.#store, request, new ProtocolFilterContext(this.#protocols));
  }

  async importSession(file: SessionFileContent): Promise<SessionOpened> {
    const opened = await importSessionText(file);
    await this.#replaceStore(opened.store);
    return { info: this.#info(), notes: opened.notes.map((note) => note.message) };
  }

  async listSavedSessions(): Promise<SavedSession[]> {
    return this.#journals ? this.#journals.list(this.#journal?.path) : [];
  }

  async openSavedSession(name: string): Promise<SessionOpened> {
    if (!this.#journals) throw new ApiError('not-found', 'this host keeps no journals');
    let opened;
    try {
      opened = await openSessionFile(this.#journals.pathOf(name), { markImported: false });
    } catch (error) {
      throw new ApiError('not-found', `cannot open ${name}: ${(error as Error).message}`);
    }
    await this.#replaceStore(opened.store);
    return { info: this.#info(), notes: opened.notes.map((note) => note.message) };
  }

  /**
   * Host-only (never reachable from a renderer, which sends no paths): opens a session file the
   * user picked in a native dialog or opened from the OS.
   */
  async openSessionPath(path: string): Promise<SessionOpened> {
    const opened = await openSessionFile(path);
    await this.#replaceStore(opened.store);
    return { info: this.#info(), notes: opened.notes.map((note) => note.message) };
  }

  /** Host-only: writes the session to a path the user picked in a native Save dialog. */
  async saveSessionPath(path: string, request: SessionExportRequest): Promise<void> {
    this.#store.flush();
    await saveSessionFile(path, this.#store, {
      ...exportOptions(request, new ProtocolFilterContext(this.#protocols)),
      extraRecords: derivedRecords(this.#store),
    });
  }

  /** Ends the current session (connections closed, journal complete) and starts `store`. */
  async #replaceStore(store: SessionStore): Promise<void> {
    await this.closeAll();
    this.#store.flush();
    await this.#journal?.close();
    this.#llm.dispose();
    this.#protocols.dispose();
    this.#diagnostics.dispose();
    this.#store.dispose();
    this.#attachStore(store);
    this.#events.emit('sessionReset', this.#info());
  }

  getSettings(): Promise<Settings> {
    return Promise.resolve(this.#settings.get());
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const settings = await this.#settings.update(patch);
    this.#events.emit('settings', settings);
    return settings;
  }

  getProxyState(): Promise<ProxyState> {
    return Promise.resolve(this.#proxy.state());
  }

  startProxy(settings: ProxySettings): Promise<ProxyState> {
    return this.#proxy.start(settings);
  }

  stopProxy(): Promise<ProxyState> {
    return this.#proxy.stop();
  }

  getCaCertificate(): Promise<CaCertificate> {
    return this.#proxy.caCertificate();
  }

  listLlmSummaries(): Promise<LlmSummary[]> {
    return Promise.resolve(this.#llm.summaries());
  }

  setLlmMode(connectionId: string, mode: LlmModeOverride | null): Promise<LlmSummary | null> {
    if (!this.#store.getConnection(connectionId))
      throw new ApiError('not-found', `no connection ${connectionId}`);
    this.#llm.setMode(connectionId, mode ?? undefined);
    return Promise.resolve(this.#llm.summaryOf(connectionId) ?? null);
  }

  listFindings(): Promise<Finding[]> {
    return Promise.resolve(this.#diagnostics.findings());
  }

  getProtocols(): Promise<ProtocolOverview> {
    return Promise.resolve(this.#protocolOverview());
  }

  getProtocolDetail(seq: number): Promise<ProtocolEntryDetail | null> {
    const detail = this.#protocols.detailOf(seq);
    // A msgpack/CBOR payload is a tree whether or not a protocol was read in it.
    const entry = this.#store.get(seq);
    const payload = entry && entryPayloadTree(entry, this.#store.getConnection(entry.connectionId));
    if (!detail) {
      if (!entry || !payload) return Promise.resolve(null);
      const { connectionId, direction, time } = entry;
      const annotation = { seq, connectionId, direction, time, messages: [] };
      return Promise.resolve({ annotation, trees: [], pairs: [], payload });
    }
    return Promise.resolve({
      ...detail,
      pairs: [...this.#protocols.pairsOf(seq)],
      ...(payload ? { payload } : {}),
    });
  }

  getChannelMessages(channelId: string, limit = 500): Promise<ChannelMessages | null> {
    this.#protocols.catchUp();
    const found = this.#protocols.channelMessages(channelId, limit);
    return Promise.resolve(found === undefined ? null : { channelId, ...found });
  }

  setProtocol(
    connectionId: string,
    protocol: ProtocolName | 'raw' | 'auto',
  ): Promise<ProtocolOverview> {
    if (!this.#store.getConnection(connectionId))
      throw new ApiError('not-found', `no connection ${connectionId}`);
    const choice = protocol === 'auto' ? undefined : protocol === 'raw' ? null : protocol;
    // On the connection, so the journal and every export keep it (docs/protocols.md).
    this.#store.updateConnection(connectionId, { protocolChoice: choice });
    this.#protocols.setProtocol(connectionId, choice);
    return Promise.resolve(this.#protocolOverview());
  }

  #protocolOverview(): ProtocolOverview {
    return {
      channels: this.#protocols.channels(),
      unanswered: this.#protocols.unanswered(),
      fallbacks: this.#protocols.fallbacks(),
    };
  }

  injectMessage(connectionId: string, direction: Direction, message: SentMessage): Promise<void> {
    return this.#replay.inject(connectionId, direction, message);
  }

  async resendEntry(seq: number, edited?: SentMessage): Promise<Connection> {
    const store = this.#store;
    const proxy = this.#proxy.handle;
    // Live first: one of our client connections, or injection into a proxied one.
    const live: LiveSender = async (connectionId, direction, message) => {
      const client = this.#live.get(connectionId);
      if (client?.kind === 'ws' && direction === 'out' && message.kind !== 'event') {
        if (message.kind === 'text') await client.handle.sendText(message.payload);
        else await client.handle.sendBinary(message.payload);
        return true;
      }
      return proxy ? proxyLiveSender(proxy)(connectionId, direction, message) : false;
    };
    let result;
    try {
      result = await resendEntry(store, seq, {
        live,
        ...(edited ? { edited: payloadOf(edited) } : {}),
      });
    } catch (error) {
      throw new ApiError(
        error instanceof ResendError && error.code === 'resend.no-entry' ? 'not-found' : 'failed',
        (error as Error).message,
      );
    }
    if (result.via === 'fresh') {
      const { handle } = result;
      this.#live.set(handle.connectionId, { kind: 'ws', handle });
      void handle.done.then(() => this.#live.delete(handle.connectionId));
    }
    const connection = store.getConnection(result.connectionId);
    if (!connection) throw new ApiError('failed', `connection ${result.connectionId} vanished`);
    return connection;
  }

  getBreakpoints(): Promise<BreakpointState> {
    return Promise.resolve(this.#replay.state());
  }

  setBreakpointRules(rules: BreakpointRule[]): Promise<BreakpointState> {
    return Promise.resolve(this.#replay.setRules(rules));
  }

  setHandshakeRules(rules: HandshakeRule[]): Promise<BreakpointState> {
    return Promise.resolve(this.#replay.setHandshakeRules(rules));
  }

  resolvePaused(
    id: string,
    action: 'forward' | 'drop',
    edited?: SentMessage,
  ): Promise<BreakpointState> {
    return Promise.resolve(this.#replay.resolvePaused(id, action, edited));
  }

  async replayConnection(request: ReplayRequest): Promise<ReplayResult> {
    if (!this.#store.getConnection(request.connectionId))
      throw new ApiError('not-found', `no connection ${request.connectionId}`);
    return (await this.#replay.replay(request)).result;
  }

  startMock(
    connectionId: string,
    options: { port?: number; mode?: 'timed' | 'answer' },
  ): Promise<MockInfo> {
    return this.#replay.startMock(connectionId, options);
  }

  stopMock(id: string): Promise<MockInfo[]> {
    return this.#replay.stopMock(id);
  }

  listMocks(): Promise<MockInfo[]> {
    return Promise.resolve(this.#replay.listMocks());
  }

  // ---- events --------------------------------------------------------------------------------

  onEntries(listener: (rows: EntryRow[]) => void): () => void {
    return this.#events.on('entries', listener);
  }

  onConnections(listener: (connections: Connection[]) => void): () => void {
    return this.#events.on('connections', listener);
  }

  onSessionReset(listener: (info: SessionInfo) => void): () => void {
    return this.#events.on('sessionReset', listener);
  }

  onSettings(listener: (settings: Settings) => void): () => void {
    return this.#events.on('settings', listener);
  }

  onProxyState(listener: (state: ProxyState) => void): () => void {
    return this.#events.on('proxyState', listener);
  }

  onLlm(listener: (summaries: LlmSummary[]) => void): () => void {
    return this.#events.on('llm', listener);
  }

  onFindings(listener: (findings: Finding[]) => void): () => void {
    return this.#events.on('findings', listener);
  }

  onProtocols(listener: (connectionIds: string[]) => void): () => void {
    return this.#events.on('protocols', listener);
  }

  onBreakpoints(listener: (state: BreakpointState) => void): () => void {
    return this.#events.on('breakpoints', listener);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Closes every connection and completes the journal (quit, server shutdown). */
  async shutdown(): Promise<void> {
    await this.#replay.close();
    await this.#proxy.stop();
    await this.closeAll();
    await this.#journal?.close();
    this.#llm.dispose();
    this.#protocols.dispose();
    this.#diagnostics.dispose();
  }

  /** Closes every live connection cleanly. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.#live.values()].map((live) =>
        live.kind === 'ws' ? live.handle.close(1001, 'going away') : live.handle.close(),
      ),
    );
    this.#store.flush();
  }

  /** An SSE stream's later connections (reconnects) are closed through the first one's id too. */
  #findLive(connectionId: string): LiveHandle | undefined {
    const direct = this.#live.get(connectionId);
    if (direct) return direct;
    for (const live of this.#live.values()) {
      if (live.kind === 'sse' && live.handle.connectionId === connectionId) return live;
    }
    return undefined;
  }

  #info(): SessionInfo {
    return {
      connections: this.#store.connections().length,
      entries: this.#store.size,
      lastSeq: this.#store.lastSeq,
    };
  }
}
