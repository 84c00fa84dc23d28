import type {
  CloseDetail,
  DecoderNote,
  Direction,
  FrameDetail,
  Payload,
} from '../../../../shared/model/entry.ts';
import type { PerMessageDeflateParams } from './permessage-deflate.ts';

export type WsMessageKind = 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'error';

/**
 * One output of the decoder: a data message (all its fragments joined), a control frame, or a
 * protocol error that belongs to no message. Maps one to one onto `NewEntry` fields.
 *
 * Payload rules: `string` only for a text message that is valid UTF-8; every other payload is a
 * `Uint8Array` that the decoder owns (never a view into a chunk given to `feed`, so a stored entry
 * does not pin a socket buffer), unless the caller said its chunks are immutable (see
 * `immutableChunks`). Invalid text keeps its bytes, flagged `ws.invalid-utf8`.
 * Close frames carry their raw application data (code + reason) as bytes; `close` has them parsed.
 */
export interface DecodedWsMessage {
  kind: WsMessageKind;
  payload: Payload;
  /** Payload bytes after unmasking and inflating. */
  payloadSize: number;
  /** Every byte of the frames of this output, headers included (control frames in between excluded). */
  wireSize: number;
  /** Absent only on errors that belong to no frame (e.g. `ws.input-ignored`). */
  frame?: FrameDetail;
  close?: CloseDetail;
  notes?: DecoderNote[];
}

export interface WsFrameDecoderOptions {
  /** `out` = client→server (frames must be masked), `in` = server→client (must not be). */
  direction: Direction;
  /** Per message, on the wire (compressed size when compressed). Default 64 MiB. */
  maxPayload?: number;
  /** Frames per data message. Default 10 000. */
  maxFragments?: number;
  /** The negotiated permessage-deflate parameters, or null/absent when none was negotiated. */
  deflate?: PerMessageDeflateParams | null;
  /** Cap on one message's inflated size. Default 64 MiB. */
  maxInflatedSize?: number;
  /**
   * The caller never writes into a chunk after feeding it (the proxy: every socket read is a
   * fresh Buffer of its own, forwarded as is). An unmasked binary message read whole from one
   * chunk is then handed out as a view of it instead of a copy when the view spans most of the
   * chunk's memory (so an entry pins at most about twice its size). Default false.
   */
  immutableChunks?: boolean;
}

export type WsMessageListener = (message: DecodedWsMessage) => void;
