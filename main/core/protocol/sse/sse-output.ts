/**
 * What the SSE decoder hands to its sink. One discriminated union, delivered synchronously from
 * `feed()` / `end()` in stream order. `event` and `comment` carry the shared model's field names
 * (payload, payloadSize, wireSize, sse, notes) so that turning them into entries is a spread (see
 * to-entry.ts); `retry` and `incomplete` are stream facts a client acts on.
 */
import type { DecoderNote, SseDetail } from '../../../../shared/model/entry.ts';

/** A dispatched event: the blank line that ends its block was seen. */
export interface SseEventOutput {
  kind: 'event';
  /** The data buffer as dispatched: `data` lines joined with LF, the final LF removed. */
  payload: string;
  /** UTF-8 byte length of `payload`. */
  payloadSize: number;
  /**
   * Bytes of the whole block on the wire, from the byte after the previous block's blank line
   * through this block's blank line: comment lines inside the block, a leading BOM on the first
   * block, and every line terminator included.
   */
  wireSize: number;
  sse: SseDetail;
  notes?: DecoderNote[];
  /** The block's text as decoded (BOM excluded), only with the decoder's `keepRaw` option. */
  raw?: string;
}

/**
 * A comment line (`:` first): keep-alives made visible. `payload` is the text after the colon with
 * one leading space removed (`: ping` and `:ping` both give `ping`), as a reader wants it; `raw`
 * (with `keepRaw`) has the line exactly.
 */
export interface SseCommentOutput {
  kind: 'comment';
  payload: string;
  payloadSize: number;
  /** Bytes of the comment line on the wire, its line terminator included. */
  wireSize: number;
  notes?: DecoderNote[];
  raw?: string;
}

/**
 * A `retry` field whose value is all ASCII digits: the reconnection time, in milliseconds, that
 * the stream asks for. Reported when the line is read (the spec applies it at once, dispatch or
 * not); a dispatched event of the same block also carries it in `sse.retry`.
 */
export interface SseRetryOutput {
  kind: 'retry';
  retry: number;
}

/**
 * `end()` found an event block that never got its blank line: per the spec it is not dispatched.
 * Reported once with what it held, so the inspector can show the truncated tail of a stream.
 */
export interface SseIncompleteOutput {
  kind: 'incomplete';
  /** The data buffer as it would have been dispatched (may be empty). */
  payload: string;
  payloadSize: number;
  /** Bytes from the block's first byte to the end of the stream. */
  wireSize: number;
  /** `event` and `id`/`retry` the block held; `lastEventId` is the one in force (never updated). */
  sse: SseDetail;
  /** The last line, which had no line terminator and so was never interpreted. */
  partialLine?: string;
  /** Always holds `sse.unterminated-event`, plus the block's other notes. */
  notes: DecoderNote[];
  raw?: string;
}

export type SseOutput = SseEventOutput | SseCommentOutput | SseRetryOutput | SseIncompleteOutput;

/** Stable note codes; filters, tests and exports rely on these strings. */
export const SseNoteCode = {
  /** Bytes that are not UTF-8 were decoded as U+FFFD, as the spec's decoder does. */
  invalidUtf8: 'sse.invalid-utf8',
  /** A line or an event's data exceeded `maxEventSize`; the excess was dropped. */
  eventTooLarge: 'sse.event-too-large',
  /** An `id` field containing U+0000 NULL was ignored (the spec's rule). */
  idIgnored: 'sse.id-ignored',
  /** A `retry` field that is not all ASCII digits was ignored. */
  retryIgnored: 'sse.retry-ignored',
  /** A field the spec does not define was ignored (often a typo such as `date:`). */
  unknownField: 'sse.unknown-field',
  /** The stream ended inside an event block (see SseIncompleteOutput). */
  unterminatedEvent: 'sse.unterminated-event',
} as const;

export type SseNoteCode = (typeof SseNoteCode)[keyof typeof SseNoteCode];
