import type { DecoderNote } from '../../../../shared/model/entry.ts';

/**
 * Stable codes of the problems the WebSocket decoder reports. Filters, exports and tests rely on
 * these strings: add new ones, never rename.
 */
export const WS_NOTE = {
  /** A text message (or close reason) is not valid UTF-8; the payload is kept as bytes. */
  invalidUtf8: 'ws.invalid-utf8',
  /** A server→client frame was masked. */
  unexpectedMask: 'ws.unexpected-mask',
  /** A client→server frame was not masked. */
  missingMask: 'ws.missing-mask',
  /** Opcode 0x3–0x7 or 0xB–0xF. */
  reservedOpcode: 'ws.reserved-opcode',
  /** RSV1 without permessage-deflate (or not on a first data frame), or RSV2/RSV3 set. */
  rsvBits: 'ws.rsv-bits',
  /** A control frame with more than 125 bytes of payload. */
  controlTooLong: 'ws.control-too-long',
  /** A control frame without FIN. */
  controlFragmented: 'ws.control-fragmented',
  /** A continuation frame with no fragmented message in progress. */
  unexpectedContinuation: 'ws.unexpected-continuation',
  /** A text/binary frame arrived while a fragmented message was unfinished. */
  interleavedDataFrame: 'ws.interleaved-data-frame',
  /** A close code a peer may not send (RFC 6455 §7.4). */
  invalidCloseCode: 'ws.invalid-close-code',
  /** A close frame with a 1-byte payload. */
  closeTooShort: 'ws.close-too-short',
  /** The message's payload exceeded maxPayload: counted and skipped, not kept. */
  maxPayload: 'ws.max-payload',
  /** The message had more than maxFragments frames: the rest was counted and skipped. */
  maxFragments: 'ws.max-fragments',
  /** The compressed payload did not inflate (or the deflate context was lost earlier). */
  inflateError: 'ws.inflate-error',
  /** The message inflated beyond maxInflatedSize (a deflate bomb, or a too-low cap). */
  inflateTooLarge: 'ws.inflate-too-large',
  /** The stream ended inside a frame or inside a fragmented message. */
  truncated: 'ws.truncated',
  /** A frame arrived after this direction had sent a close frame. */
  dataAfterClose: 'ws.data-after-close',
  /** A 16- or 64-bit length form used for a length that fits a shorter one. */
  nonMinimalLength: 'ws.non-minimal-length',
  /** A 64-bit length with its most significant bit set, or beyond 2^53−1: the decoder fails. */
  invalidLength: 'ws.invalid-length',
  /** Too many malformed frames in a row: the stream is not WebSocket framing; the decoder fails. */
  unreadableStream: 'ws.unreadable-stream',
  /** Input after the decoder failed (or after end()) was ignored; said once. */
  inputIgnored: 'ws.input-ignored',
} as const;

export type WsNoteCode = (typeof WS_NOTE)[keyof typeof WS_NOTE];

export function note(code: WsNoteCode, message: string): DecoderNote {
  return { code, message };
}
