/**
 * WsFrameDecoder: RFC 6455 framing for one direction of one connection, as a pure incremental
 * state machine. It owns no socket; `feed` takes the bytes as they came and every result is
 * delivered synchronously to the listener, so the same bytes give the same outputs for any split.
 *
 * Modelled on ws's lib/receiver.js: a list of received chunks, only what is needed consumed,
 * payloads kept as views until a message completes, fragments joined once (unmasking during that
 * one copy), and nothing written into a caller's chunk (the proxy forwards those exact bytes).
 * Unlike ws it never gives up on the first protocol error: an inspector must show what the peers
 * actually sent, so every violation becomes a note on the output it concerns, and the decoder
 * resynchronises at the next frame whenever the frame boundaries are still known.
 *
 * It fails for good (state `failed`, later input ignored and said so once) only when boundaries are
 * lost: a 64-bit length with its top bit set or beyond 2^53−1 (`ws.invalid-length`), or 8 malformed
 * frames in a row (`ws.unreadable-stream`: this is not WebSocket framing, and going on would
 * flood the timeline with garbage). A corrupt deflate stream is not terminal: framing is intact,
 * so uncompressed messages and control frames stay readable, and compressed ones are reported
 * (`ws.inflate-error`) once the shared window is unknown.
 *
 * The decoder may keep references to the chunks given to `feed` until the message they belong to
 * completes: callers must not modify a chunk after feeding it.
 */
import { isUtf8 } from 'node:buffer';
import type { CloseDetail, DecoderNote, FrameDetail } from '../../../../shared/model/entry.ts';
import { isControlOpcode, isValidCloseCodeOnWire } from '../../../../shared/model/ws-tables.ts';
import { note, WS_NOTE } from './notes.ts';
import type { WsNoteCode } from './notes.ts';
import { inflaterFor } from './permessage-deflate.ts';
import type { PerMessageInflater } from './permessage-deflate.ts';
import type {
  DecodedWsMessage,
  WsFrameDecoderOptions,
  WsMessageKind,
  WsMessageListener,
} from './types.ts';
import { copyUnmasked } from './unmask.ts';

export const WS_DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024;
export const WS_DEFAULT_MAX_FRAGMENTS = 10_000;
export const WS_DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 * 1024;
/** Malformed frames in a row after which the stream is judged not to be WebSocket framing. */
export const WS_MAX_CONSECUTIVE_BAD_FRAMES = 8;

export type WsDecoderState = 'header' | 'payload' | 'failed' | 'ended';

const HEADER = 0;
const PAYLOAD = 1;
const FAILED = 2;
const ENDED = 3;
const STATE_NAMES: readonly WsDecoderState[] = ['header', 'payload', 'failed', 'ended'];

/** What the current frame is to the decoder. */
const ROLE_DATA = 0; // text/binary/continuation of the message in progress
const ROLE_CONTROL = 1; // close/ping/pong
const ROLE_STRAY = 2; // reserved opcode or a continuation with no message: an `error` output

const NOT_MASKED = -1;
const EMPTY = new Uint8Array(0);
/** Reused for assembling text that only lives until it is decoded to a string. */
const SCRATCH_LIMIT = 64 * 1024;

const KIND_BY_CONTROL_OPCODE: Readonly<Record<number, WsMessageKind>> = {
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

/** A copy the decoder owns (Buffer#slice would return a view, so never use it for this). */
function copyOf(bytes: Uint8Array): Uint8Array {
  return Buffer.from(bytes);
}

/** A Buffer over the same bytes (socket chunks and their subarrays already are Buffers). */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export class WsFrameDecoder {
  private readonly onMessage: WsMessageListener;
  private readonly expectMasked: boolean;
  private readonly maxPayload: number;
  private readonly maxFragments: number;
  private readonly inflater: PerMessageInflater | null;
  private readonly immutableChunks: boolean;

  // Received bytes not consumed yet: chunks[0] from offset `head` on, then the others whole.
  private chunks: Uint8Array[] = [];
  private head = 0;
  private buffered = 0;
  private readonly headerScratch = new Uint8Array(14);

  private state = HEADER;

  // The frame being read.
  private fin = false;
  private rsv1 = false;
  private rsv2 = false;
  private rsv3 = false;
  private opcode = 0;
  private masked = false;
  private mask = NOT_MASKED;
  private role = ROLE_DATA;
  private headerSize = 0;
  private payloadLength = 0;
  private remaining = 0;
  /** Whether this frame's payload bytes are kept (false: counted and skipped). */
  private keep = true;
  private frameNotes: DecoderNote[] | null = null;
  private frameParts: Uint8Array[] = [];

  // The data message in progress (possibly across fragments).
  private messageActive = false;
  private messageOpcode = 0;
  private messageRsv1 = false;
  private messageRsv2 = false;
  private messageRsv3 = false;
  private messageMasked = false;
  private messageCompressed = false;
  private messageFragments = 0;
  private messageWire = 0;
  private messagePayload = 0;
  private messageSkipping = false;
  private messageLastFin = false;
  private messageNotes: DecoderNote[] | null = null;
  private partData: Uint8Array[] = [];
  private partMask: number[] = [];
  private partPhase: number[] = [];

  private scratch: Uint8Array | null = null;
  private closeSeen = false;
  private consecutiveBad = 0;
  private ignoredSaid = false;

  constructor(onMessage: WsMessageListener, options: WsFrameDecoderOptions) {
    this.onMessage = onMessage;
    this.expectMasked = options.direction === 'out';
    this.maxPayload = options.maxPayload ?? WS_DEFAULT_MAX_PAYLOAD;
    this.maxFragments = options.maxFragments ?? WS_DEFAULT_MAX_FRAGMENTS;
    this.immutableChunks = options.immutableChunks ?? false;
    this.inflater = options.deflate
      ? inflaterFor(
          options.deflate,
          options.direction,
          options.maxInflatedSize ?? WS_DEFAULT_MAX_INFLATED_SIZE,
        )
      : null;
  }

  get decoderState(): WsDecoderState {
    return STATE_NAMES[this.state] ?? 'failed';
  }

  /** True once the decoder gave up on this stream (see the module comment for when). */
  get failed(): boolean {
    return this.state === FAILED;
  }

  /** True once a close frame was decoded in this direction. */
  get closeReceived(): boolean {
    return this.closeSeen;
  }

  /** Bytes received but not yet part of a finished frame header or payload. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Bytes held right now: unparsed input plus payload kept for the frame/message in progress. */
  get retainedBytes(): number {
    let held = this.buffered;
    for (const part of this.frameParts) held += part.length;
    for (const part of this.partData) held += part.length;
    return held;
  }

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.state === FAILED || this.state === ENDED) {
      this.sayIgnored();
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.state === HEADER) {
        if (!this.readHeader()) return;
      } else if (this.state === PAYLOAD) {
        if (!this.readPayload()) return;
      } else {
        return;
      }
    }
  }

  /** End of stream: reports a frame or fragmented message the stream cut short. */
  end(): void {
    if (this.state === FAILED || this.state === ENDED) return;
    if (this.state === PAYLOAD) {
      // Take whatever payload bytes arrived, then report the frame as truncated.
      this.takePayloadBytes();
      this.addFrameNote(
        WS_NOTE.truncated,
        `stream ended ${this.remaining} bytes before the end of the frame's ${this.payloadLength}-byte payload`,
      );
      const received = this.payloadLength - this.remaining;
      if (this.role === ROLE_DATA) {
        this.absorbFrameIntoMessage(received);
      } else {
        this.emitStrayOrControl(received, true);
      }
    } else if (this.buffered > 0) {
      this.emit({
        kind: 'error',
        payload: EMPTY,
        payloadSize: 0,
        wireSize: this.buffered,
        notes: [
          note(WS_NOTE.truncated, `stream ended inside a frame header (${this.buffered} bytes)`),
        ],
      });
    }
    if (this.messageActive) {
      this.addMessageNote(
        WS_NOTE.truncated,
        'stream ended before the final fragment of this message',
      );
      this.completeMessage(false);
    }
    this.release();
    this.state = ENDED;
  }

  // ---- input buffer ------------------------------------------------------------------------

  private byteAt(index: number): number {
    let i = this.head + index;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i] as number;
      i -= chunk.length;
    }
    return 0;
  }

  private advance(n: number): void {
    this.buffered -= n;
    let left = n;
    while (left > 0) {
      const first = this.chunks[0] as Uint8Array;
      const available = first.length - this.head;
      if (left < available) {
        this.head += left;
        return;
      }
      left -= available;
      this.chunks.shift();
      this.head = 0;
    }
  }

  private release(): void {
    this.chunks = [];
    this.head = 0;
    this.buffered = 0;
    this.frameParts.length = 0;
    this.clearParts();
  }

  // ---- frame header ------------------------------------------------------------------------

  private readHeader(): boolean {
    if (this.buffered < 2) return false;
    const first = this.chunks[0] as Uint8Array;
    const contiguous = first.length - this.head >= 2;
    const b0 = contiguous ? (first[this.head] as number) : this.byteAt(0);
    const b1 = contiguous ? (first[this.head + 1] as number) : this.byteAt(1);
    const len7 = b1 & 0x7f;
    const masked = (b1 & 0x80) !== 0;
    const size = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
    if (this.buffered < size) return false;

    let src = first;
    let at = this.head;
    if (first.length - this.head < size) {
      for (let i = 0; i < size; i++) this.headerScratch[i] = this.byteAt(i);
      src = this.headerScratch;
      at = 0;
    }
    at += 2;
    let length = len7;
    let nonMinimal = false;
    if (len7 === 126) {
      length = ((src[at] as number) << 8) | (src[at + 1] as number);
      nonMinimal = length < 126;
      at += 2;
    } else if (len7 === 127) {
      const high =
        (((src[at] as number) << 24) |
          ((src[at + 1] as number) << 16) |
          ((src[at + 2] as number) << 8) |
          (src[at + 3] as number)) >>>
        0;
      const low =
        (((src[at + 4] as number) << 24) |
          ((src[at + 5] as number) << 16) |
          ((src[at + 6] as number) << 8) |
          (src[at + 7] as number)) >>>
        0;
      at += 8;
      if (high > 0x1fffff) {
        this.advance(size);
        this.fail(
          WS_NOTE.invalidLength,
          (high & 0x80000000) !== 0
            ? '64-bit payload length has its most significant bit set; frame boundaries are lost'
            : '64-bit payload length exceeds 2^53-1; frame boundaries are lost',
          size,
        );
        return false;
      }
      length = high * 0x100000000 + low;
      nonMinimal = length < 0x10000;
    }
    this.mask = masked
      ? (((src[at] as number) << 24) |
          ((src[at + 1] as number) << 16) |
          ((src[at + 2] as number) << 8) |
          (src[at + 3] as number)) >>>
        0
      : NOT_MASKED;
    this.advance(size);

    this.fin = (b0 & 0x80) !== 0;
    this.rsv1 = (b0 & 0x40) !== 0;
    this.rsv2 = (b0 & 0x20) !== 0;
    this.rsv3 = (b0 & 0x10) !== 0;
    this.opcode = b0 & 0x0f;
    this.masked = masked;
    this.headerSize = size;
    this.payloadLength = length;
    this.remaining = length;
    this.frameNotes = null;
    if (nonMinimal) {
      this.addFrameNote(
        WS_NOTE.nonMinimalLength,
        `payload length ${length} sent in the ${len7 === 126 ? '16' : '64'}-bit form`,
      );
    }
    if (!this.classifyFrame()) return false;
    this.state = PAYLOAD;
    return true;
  }

  /** Decides what the frame is, flags what is wrong with it; false when the decoder failed. */
  private classifyFrame(): boolean {
    const opcode = this.opcode;
    let bad = false;
    let startsMessage = false;
    if (this.masked !== this.expectMasked) {
      this.addFrameNote(
        this.masked ? WS_NOTE.unexpectedMask : WS_NOTE.missingMask,
        this.masked ? 'server-to-client frame is masked' : 'client-to-server frame is not masked',
      );
    }
    if (this.rsv2 || this.rsv3) {
      this.addFrameNote(WS_NOTE.rsvBits, 'RSV2/RSV3 set but no extension defines them');
      bad = true;
    }
    if (this.closeSeen) {
      this.addFrameNote(WS_NOTE.dataAfterClose, 'frame sent after this side sent a close frame');
    }

    if (opcode === 0x1 || opcode === 0x2) {
      if (this.rsv1 && this.inflater === null) {
        this.addFrameNote(WS_NOTE.rsvBits, 'RSV1 set but permessage-deflate was not negotiated');
        bad = true;
      }
      startsMessage = true;
      this.role = ROLE_DATA;
    } else if (opcode === 0x0) {
      if (this.rsv1) {
        this.addFrameNote(WS_NOTE.rsvBits, 'RSV1 set on a continuation frame');
        bad = true;
      }
      if (this.messageActive) {
        this.role = ROLE_DATA;
      } else {
        this.role = ROLE_STRAY;
        this.addFrameNote(
          WS_NOTE.unexpectedContinuation,
          'continuation frame with no fragmented message in progress',
        );
        bad = true;
      }
    } else if (opcode >= 0x8 && opcode <= 0xa) {
      this.role = ROLE_CONTROL;
      if (this.rsv1) {
        this.addFrameNote(WS_NOTE.rsvBits, 'RSV1 set on a control frame');
        bad = true;
      }
      if (this.payloadLength > 125) {
        this.addFrameNote(
          WS_NOTE.controlTooLong,
          `control frame payload is ${this.payloadLength} bytes (at most 125 allowed)`,
        );
        bad = true;
      }
      if (!this.fin) {
        this.addFrameNote(WS_NOTE.controlFragmented, 'control frame without FIN');
        bad = true;
      }
    } else {
      this.role = ROLE_STRAY;
      this.addFrameNote(
        WS_NOTE.reservedOpcode,
        `reserved ${isControlOpcode(opcode) ? 'control' : 'data'} opcode 0x${opcode.toString(16)}`,
      );
      bad = true;
    }

    if (bad) {
      this.consecutiveBad++;
      if (this.consecutiveBad >= WS_MAX_CONSECUTIVE_BAD_FRAMES) {
        this.fail(
          WS_NOTE.unreadableStream,
          `${this.consecutiveBad} malformed frames in a row: this is not WebSocket framing`,
          this.headerSize,
        );
        return false;
      }
    } else {
      this.consecutiveBad = 0;
    }
    if (startsMessage) {
      if (this.messageActive) {
        this.addMessageNote(
          WS_NOTE.interleavedDataFrame,
          'a new data frame started before this message\u2019s final fragment',
        );
        this.completeMessage(false);
      }
      this.startMessage();
    }

    if (this.role === ROLE_DATA) {
      this.messageFragments++;
      this.messagePayload += this.payloadLength;
      this.messageRsv2 ||= this.rsv2;
      this.messageRsv3 ||= this.rsv3;
      if (this.frameNotes) for (const n of this.frameNotes) this.addMessageNote(n.code, n.message);
      if (!this.messageSkipping) {
        if (this.messageFragments > this.maxFragments) {
          this.skipMessage(
            WS_NOTE.maxFragments,
            `message has more than ${this.maxFragments} fragments; the rest was skipped`,
          );
        } else if (this.messagePayload > this.maxPayload) {
          this.skipMessage(
            WS_NOTE.maxPayload,
            `message payload exceeds maxPayload (${this.maxPayload} bytes); not kept`,
          );
        }
      }
      this.keep = !this.messageSkipping;
    } else {
      this.keep = this.payloadLength <= this.maxPayload;
      if (!this.keep) {
        this.addFrameNote(
          WS_NOTE.maxPayload,
          `frame payload of ${this.payloadLength} bytes exceeds maxPayload (${this.maxPayload}); not kept`,
        );
      }
    }
    return true;
  }

  // ---- frame payload -----------------------------------------------------------------------

  private readPayload(): boolean {
    if (this.remaining > 0) {
      // Fast path: a whole payload inside the first chunk, the common case for small messages.
      const first = this.chunks[0];
      if (
        first !== undefined &&
        this.frameParts.length === 0 &&
        first.length - this.head >= this.remaining
      ) {
        if (this.keep) this.frameParts.push(first.subarray(this.head, this.head + this.remaining));
        this.advance(this.remaining);
        this.remaining = 0;
      } else {
        this.takePayloadBytes();
        if (this.remaining > 0) return false;
      }
    }
    this.state = HEADER;
    if (this.role === ROLE_DATA) {
      this.absorbFrameIntoMessage(this.payloadLength);
      if (this.fin) this.completeMessage(true);
    } else {
      this.emitStrayOrControl(this.payloadLength, false);
    }
    return this.state === HEADER;
  }

  /** Moves as many payload bytes as have arrived into frameParts (or just counts them). */
  private takePayloadBytes(): void {
    while (this.remaining > 0 && this.buffered > 0) {
      const first = this.chunks[0] as Uint8Array;
      const n = Math.min(this.remaining, first.length - this.head);
      if (this.keep) this.frameParts.push(first.subarray(this.head, this.head + n));
      this.advance(n);
      this.remaining -= n;
    }
  }

  // ---- data messages -----------------------------------------------------------------------

  private startMessage(): void {
    this.messageActive = true;
    this.messageOpcode = this.opcode;
    this.messageRsv1 = this.rsv1;
    this.messageRsv2 = false;
    this.messageRsv3 = false;
    this.messageMasked = this.masked;
    this.messageCompressed = this.rsv1 && this.inflater !== null;
    this.messageFragments = 0;
    this.messageWire = 0;
    this.messagePayload = 0;
    this.messageSkipping = false;
    this.messageNotes = null;
  }

  private skipMessage(code: WsNoteCode, message: string): void {
    this.messageSkipping = true;
    this.addMessageNote(code, message);
    this.clearParts();
  }

  private clearParts(): void {
    // Truncating keeps the arrays (no garbage per message) and drops the views they held.
    if (this.partData.length > 0) {
      this.partData.length = 0;
      this.partMask.length = 0;
      this.partPhase.length = 0;
    }
  }

  /** Hands the finished (or cut-short) frame's payload views to the message. */
  private absorbFrameIntoMessage(received: number): void {
    this.messageWire += this.headerSize + received;
    const parts = this.frameParts;
    if (parts.length > 0) {
      let phase = 0;
      for (const part of parts) {
        this.partData.push(part);
        this.partMask.push(this.mask);
        this.partPhase.push(phase);
        phase += part.length;
      }
      parts.length = 0;
    }
    this.messageLastFin = this.fin;
  }

  private completeMessage(fin: boolean): void {
    const kindIsText = this.messageOpcode === 0x1;
    const frame: FrameDetail = {
      opcode: this.messageOpcode,
      fin: fin && this.messageLastFin,
      rsv1: this.messageRsv1,
      rsv2: this.messageRsv2,
      rsv3: this.messageRsv3,
      masked: this.messageMasked,
      fragments: this.messageFragments,
    };
    if (this.messageRsv1) frame.compressedSize = this.messagePayload;
    const out: DecodedWsMessage = {
      kind: kindIsText ? 'text' : 'binary',
      payload: EMPTY,
      payloadSize: 0,
      wireSize: this.messageWire,
      frame,
    };

    if (this.messageSkipping) {
      out.payloadSize = this.messagePayload;
    } else if (this.messageCompressed) {
      const compressed = this.joinParts(false);
      const inflater = this.inflater as PerMessageInflater;
      const result = inflater.inflate(compressed);
      if (result.ok) {
        // zlib hands out slices of its 16 KiB output chunks: copy small ones so a stored entry
        // does not pin a whole chunk.
        const data = result.data;
        this.setDataPayload(out, data, kindIsText, data.buffer.byteLength <= 2 * data.length + 64);
      } else {
        const owned = compressed === this.partData[0] ? copyOf(compressed) : compressed;
        this.addMessageNote(
          result.code,
          `${result.message}; the payload holds the ${owned.length} compressed bytes`,
        );
        out.payload = owned;
        out.payloadSize = owned.length;
      }
    } else if (kindIsText) {
      const total = this.partsLength();
      const bytes =
        this.partData.length === 1 && this.partMask[0] === NOT_MASKED
          ? (this.partData[0] as Uint8Array)
          : this.joinParts(total <= SCRATCH_LIMIT);
      this.setDataPayload(out, bytes, true, bytes !== this.partData[0] && !this.isScratch(bytes));
    } else {
      const bytes = this.joinParts(false);
      out.payload = bytes === this.partData[0] ? this.ownView(bytes) : bytes;
      out.payloadSize = bytes.length;
    }
    if (this.messageNotes) out.notes = this.messageNotes;

    this.messageActive = false;
    this.messageNotes = null;
    this.clearParts();
    this.emit(out);
  }

  /** Sets a text or binary payload from bytes; `owned` says whether `bytes` may be kept as is. */
  private setDataPayload(
    out: DecodedWsMessage,
    bytes: Uint8Array,
    text: boolean,
    owned: boolean,
  ): void {
    out.payloadSize = bytes.length;
    if (text) {
      if (isUtf8(bytes)) {
        out.payload = toBuffer(bytes).toString('utf8');
        return;
      }
      this.addMessageNote(
        WS_NOTE.invalidUtf8,
        'text message is not valid UTF-8; the payload is kept as bytes',
      );
    }
    out.payload = owned ? bytes : copyOf(bytes);
  }

  /**
   * A view of a fed chunk, as a payload to hand out: itself when the chunks are immutable and
   * it spans most of its memory (the common one-message-per-read case), else a copy.
   */
  private ownView(view: Uint8Array): Uint8Array {
    return this.immutableChunks && view.buffer.byteLength <= 2 * view.length + 64
      ? view
      : copyOf(view);
  }

  private partsLength(): number {
    let total = 0;
    for (const part of this.partData) total += part.length;
    return total;
  }

  private isScratch(bytes: Uint8Array): boolean {
    return this.scratch !== null && bytes.buffer === this.scratch.buffer;
  }

  /**
   * The message's payload as one unmasked byte array. A single unmasked part comes back as the
   * view itself (the caller copies it if it keeps it); anything else is copied once, into the
   * reusable scratch buffer when `useScratch` (bytes that only live until decoded).
   */
  private joinParts(useScratch: boolean): Uint8Array {
    const parts = this.partData;
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1 && this.partMask[0] === NOT_MASKED) return parts[0] as Uint8Array;
    const total = this.partsLength();
    let target: Uint8Array;
    if (useScratch) {
      if (this.scratch === null || this.scratch.length < total) {
        this.scratch = new Uint8Array(SCRATCH_LIMIT);
      }
      target = this.scratch.subarray(0, total);
    } else {
      target = Buffer.allocUnsafe(total);
    }
    let offset = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as Uint8Array;
      copyUnmasked(part, target, offset, this.partMask[i] as number, this.partPhase[i] as number);
      offset += part.length;
    }
    return target;
  }

  // ---- control frames and stray frames -----------------------------------------------------

  private emitStrayOrControl(received: number, truncated: boolean): void {
    let payload: Uint8Array = EMPTY;
    const parts = this.frameParts;
    if (parts.length > 0) {
      let total = 0;
      for (const part of parts) total += part.length;
      payload = Buffer.allocUnsafe(total);
      let offset = 0;
      for (const part of parts) {
        copyUnmasked(part, payload, offset, this.mask, offset);
        offset += part.length;
      }
      parts.length = 0;
    }
    const frame: FrameDetail = {
      opcode: this.opcode,
      fin: this.fin,
      rsv1: this.rsv1,
      rsv2: this.rsv2,
      rsv3: this.rsv3,
      masked: this.masked,
      fragments: 1,
    };
    if (this.rsv1) frame.compressedSize = this.payloadLength;
    const kind: WsMessageKind =
      this.role === ROLE_CONTROL && !truncated
        ? (KIND_BY_CONTROL_OPCODE[this.opcode] ?? 'error')
        : 'error';
    const out: DecodedWsMessage = {
      kind,
      payload,
      payloadSize: this.keep ? payload.length : this.payloadLength,
      wireSize: this.headerSize + received,
      frame,
    };
    if (kind === 'close') out.close = this.parseClose(payload);
    if (this.frameNotes) out.notes = this.frameNotes;
    this.frameNotes = null;
    if (kind === 'close') this.closeSeen = true;
    this.emit(out);
  }

  private parseClose(payload: Uint8Array): CloseDetail {
    if (!this.keep) return { code: 1005, reason: '', codeValid: false };
    if (payload.length === 0) return { code: 1005, reason: '', codeValid: true };
    if (payload.length === 1) {
      this.addFrameNote(
        WS_NOTE.closeTooShort,
        'close frame payload is 1 byte: too short for a status code',
      );
      return { code: 1005, reason: '', codeValid: false };
    }
    const code = ((payload[0] as number) << 8) | (payload[1] as number);
    const codeValid = isValidCloseCodeOnWire(code);
    if (!codeValid) {
      this.addFrameNote(WS_NOTE.invalidCloseCode, `close code ${code} may not be sent by a peer`);
    }
    const reasonBytes = payload.subarray(2);
    if (!isUtf8(reasonBytes)) {
      this.addFrameNote(
        WS_NOTE.invalidUtf8,
        'close reason is not valid UTF-8; shown with replacement characters',
      );
    }
    return { code, reason: toBuffer(reasonBytes).toString('utf8'), codeValid };
  }

  // ---- notes, outputs, failure -------------------------------------------------------------

  private addFrameNote(code: WsNoteCode, message: string): void {
    const notes = (this.frameNotes ??= []);
    if (!notes.some((n) => n.code === code)) notes.push(note(code, message));
  }

  private addMessageNote(code: string, message: string): void {
    const notes = (this.messageNotes ??= []);
    if (!notes.some((n) => n.code === code)) notes.push({ code, message });
  }

  private emit(out: DecodedWsMessage): void {
    this.onMessage(out);
  }

  private fail(code: WsNoteCode, message: string, wireSize: number): void {
    if (this.messageActive) {
      this.addMessageNote(
        WS_NOTE.truncated,
        'the stream became unreadable before the final fragment of this message',
      );
      this.completeMessage(false);
    }
    this.emit({
      kind: 'error',
      payload: EMPTY,
      payloadSize: 0,
      wireSize,
      notes: [note(code, `${message}; decoding of this direction stopped`)],
    });
    const leftover = this.buffered;
    this.release();
    this.state = FAILED;
    if (leftover > 0) this.sayIgnored();
  }

  private sayIgnored(): void {
    if (this.ignoredSaid) return;
    this.ignoredSaid = true;
    this.emit({
      kind: 'error',
      payload: EMPTY,
      payloadSize: 0,
      wireSize: 0,
      notes: [
        note(
          WS_NOTE.inputIgnored,
          this.state === ENDED
            ? 'input after the end of the stream was ignored'
            : 'input after the decoder failed was ignored',
        ),
      ],
    });
  }
}
