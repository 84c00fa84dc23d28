/**
 * The unit of the timeline: one WebSocket message or control frame, one SSE event or comment,
 * or a lifecycle/error note about a connection. Kept flat so that a million of them stay cheap
 * (see bench/store.bench.ts for the measured bytes per entry).
 */

/** `out` = toward the server, `in` = toward the client. */
export type Direction = 'out' | 'in';

/** Every kind of entry, in the order the UI and filters list them. */
export const ENTRY_KINDS = [
  'text',
  'binary',
  'ping',
  'pong',
  'close',
  'event',
  'comment',
  'lifecycle',
  'error',
] as const;

export type EntryKind = (typeof ENTRY_KINDS)[number];

/** A payload is text only where it is valid UTF-8 text by protocol; everything else is bytes. */
export type Payload = string | Uint8Array;

/** A problem a decoder found; stable `code` so filters, tests and exports can rely on it. */
export interface DecoderNote {
  code: string;
  message: string;
}

/** What the WebSocket frame decoder saw on the wire for one message or control frame. */
export interface FrameDetail {
  /** Opcode of the first frame (1 text, 2 binary, 8 close, 9 ping, 10 pong, or a reserved one). */
  opcode: number;
  /** FIN of the last frame seen for this message. */
  fin: boolean;
  /** RSV1 on the first frame: the message is permessage-deflate compressed. */
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  masked: boolean;
  /** Number of frames the message spanned (1 when unfragmented). */
  fragments: number;
  /** Size of the payload as carried on the wire (compressed size when rsv1). */
  compressedSize?: number;
}

export interface CloseDetail {
  /** 1005 when the close frame carried no code (what the wire said, never invented). */
  code: number;
  reason: string;
  /** False when the code is not one a peer may send (RFC 6455 §7.4). */
  codeValid: boolean;
}

export interface SseDetail {
  /** Event type as dispatched (`message` when no `event:` field). */
  event: string;
  /** The last event ID in force at dispatch, as EventSource reports it. */
  lastEventId: string;
  /** The `id:` field of this event itself, when it had one. */
  id?: string;
  /** A valid `retry:` value seen in this event's block. */
  retry?: number;
}

export type LifecyclePhase =
  'connecting' | 'open' | 'reconnecting' | 'closed' | 'aborted' | 'failed' | 'info';

/**
 * How Telltale itself took part in an entry of a proxied connection: `injected` it sent the
 * message; `edited` a breakpoint or rule changed it and what was forwarded is the payload here;
 * `dropped` it was held and never forwarded. Absent: the entry is exactly what the peers sent.
 */
export type Intervention = 'injected' | 'edited' | 'dropped';

export interface Entry {
  /** Monotonic across a session, assigned by the store; stable across save and import. */
  seq: number;
  connectionId: string;
  /** Epoch milliseconds with sub-millisecond precision. */
  time: number;
  direction: Direction;
  kind: EntryKind;
  payload: Payload;
  /** Decoded payload size in bytes (after inflate). */
  payloadSize: number;
  /** Bytes this entry took on the wire: frame headers included for WS, the event block for SSE. */
  wireSize: number;
  frame?: FrameDetail;
  close?: CloseDetail;
  sse?: SseDetail;
  lifecycle?: LifecyclePhase;
  notes?: DecoderNote[];
  intervention?: Intervention;
}

/** An entry before the store gives it a sequence number. */
export type NewEntry = Omit<Entry, 'seq'>;
