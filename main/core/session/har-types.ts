/**
 * The HAR 1.2 shape Telltale writes and reads (docs/har-format.md). Standard fields come from
 * @types/har-format; the `_` fields are Chrome DevTools' (`_resourceType`, `_webSocketMessages`),
 * HTTP Toolkit's (`_webSocketClose`), the common SSE shape (`_eventSourceMessages`), and
 * Telltale's own (`_telltale*`), which other tools ignore.
 */
import type {
  Entry as HarEntryBase,
  Har as HarBase,
  Log as HarLogBase,
  Response as HarResponseBase,
} from 'har-format';
import type {
  ConnectionKind,
  ConnectionSource,
  ConnectionState,
} from '../../../shared/model/connection.ts';
import type { ProtocolName } from '../../../shared/model/protocol.ts';
import type {
  CloseDetail,
  DecoderNote,
  Direction,
  EntryKind,
  FrameDetail,
  Intervention,
  LifecyclePhase,
  SseDetail,
} from '../../../shared/model/entry.ts';

/** Chrome DevTools records a frame error as `type: "error"`, `opcode: -1` (its HAR type omits it). */
export type ChromeWsMessageType = 'send' | 'receive' | 'error';

/** One `_webSocketMessages` item, exactly as Chrome DevTools writes it. */
export interface ChromeWsMessage {
  type: ChromeWsMessageType;
  /** Epoch seconds, fractional. */
  time: number;
  /** 1 text, 2 binary, -1 error. */
  opcode: number;
  /** The text, base64 of the bytes (opcode 2), or the error text (opcode -1). */
  data: string;
}

/** HTTP Toolkit's field: how the WebSocket ended. `timestamp` in epoch seconds. */
export type HarWebSocketClose = { code: number; reason: string; timestamp: number } | 'aborted';

/** One `_eventSourceMessages` item, the shape Chrome's EventSource view and other tools use. */
export interface HarEventSourceMessage {
  /** Epoch seconds, fractional. */
  time: number;
  eventName: string;
  /** The last event ID in force at dispatch (EventSource's `lastEventId`). */
  eventId: string;
  data: string;
}

/** One `_eventSourceComments` item (Telltale): a `:` line, keep-alives made visible. */
export interface HarEventSourceComment {
  time: number;
  data: string;
}

/** `_telltaleConnection`: what of a Connection the standard HAR fields cannot hold exactly. */
export interface HarTelltaleConnection {
  id: string;
  kind: ConnectionKind;
  source: ConnectionSource;
  state: ConnectionState;
  /** Epoch ms, exact (`startedDateTime` has whole milliseconds only). */
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
  closeReason?: string;
  closeInitiator?: Direction;
  error?: string;
  bytesOut: number;
  bytesIn: number;
  resumes?: string;
  pingRttMs?: number[];
  replayOf?: string;
  protocolChoice?: ProtocolName | null;
  protocol?: string;
  extensions?: string;
  /** The connection had no HTTP response (the HAR `response` is a placeholder). */
  noResponse?: true;
  /** `response.bodyTruncated`, when set. */
  responseBodyTruncated?: boolean;
}

/**
 * `_telltaleEntries` item: one Telltale entry, in seq order. Its payload is either the `data` of
 * the item `message` indexes (in `_webSocketMessages`, `_eventSourceMessages` or
 * `_eventSourceComments`, by kind) or carried here (`payload`, base64 when `payloadEncoding`).
 */
export interface HarTelltaleEntry {
  seq: number;
  /** Epoch ms, exact. */
  time: number;
  direction: Direction;
  kind: EntryKind;
  message?: number;
  payload?: string;
  payloadEncoding?: 'base64';
  payloadSize: number;
  wireSize: number;
  frame?: FrameDetail;
  close?: CloseDetail;
  sse?: SseDetail;
  lifecycle?: LifecyclePhase;
  notes?: DecoderNote[];
  intervention?: Intervention;
}

/** A HAR entry as Telltale writes it. */
export type TelltaleHarEntry = Omit<HarEntryBase, '_webSocketMessages' | 'response'> & {
  /** `_error`: Chrome's net error text for a request that got no response. */
  response: HarResponseBase & { _error?: string };
  _resourceType?: HarEntryBase['_resourceType'];
  _webSocketMessages?: ChromeWsMessage[];
  _webSocketClose?: HarWebSocketClose;
  _eventSourceMessages?: HarEventSourceMessage[];
  _eventSourceComments?: HarEventSourceComment[];
  /** The last valid `retry:` value the stream sent (ms). */
  _retry?: number;
  _telltaleConnection?: HarTelltaleConnection;
  _telltaleEntries?: HarTelltaleEntry[];
  /**
   * Derived records of this connection, as the NDJSON export's lines of the same types
   * (`protocol`, `pair`, `unanswered`, `protocol-channel`, `llm`, `diagnostic`). Informational:
   * an import computes them again from the entries.
   */
  _telltaleRecords?: object[];
};

/** `log._telltale`: the session's own header. */
export interface HarTelltaleLog {
  /** Telltale session format version the `_telltale*` fields follow. */
  version: number;
  /** When the session was started, epoch ms. */
  created: number;
}

export type TelltaleHarLog = Omit<HarLogBase, 'entries'> & {
  entries: TelltaleHarEntry[];
  _telltale?: HarTelltaleLog;
};

export type TelltaleHar = Omit<HarBase, 'log'> & { log: TelltaleHarLog };
