/**
 * An incremental HTTP/1.1 message-body framer: it says where a body ends in a byte stream (so a
 * keep-alive connection can carry the next message, and the proxy can forward the body's bytes
 * exactly as they came) and, when asked, hands out the de-chunked payload for a tap.
 *
 * It never copies or modifies what it is given: `push` returns how many bytes of the chunk belong
 * to the body and the payload pieces are views into the chunk. A framing error (a bad chunk size
 * line) is reported as a typed result, never thrown; the caller then treats the rest of the
 * stream as opaque.
 */

export type BodyMode =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** Ends when the connection does (responses without a length only). */
  | { kind: 'close' };

export type FramerErrorCode = 'http.bad-chunk-size' | 'http.bad-chunk-end' | 'http.line-too-long';

export interface FramerError {
  code: FramerErrorCode;
  message: string;
}

export interface PushResult {
  /** Bytes of the chunk that belong to this body (the rest belongs to what follows). */
  consumed: number;
  done: boolean;
  error?: FramerError;
}

const CR = 0x0d;
const LF = 0x0a;
/** Longest chunk-size line (with extensions) or trailer line we accept. */
const MAX_LINE = 8 * 1024;

const SIZE_LINE = 0;
const DATA = 1;
const DATA_CRLF = 2;
const TRAILER = 3;
const DONE = 4;
const FAILED = 5;

export class BodyFramer {
  readonly mode: BodyMode;
  /** Receives the payload (de-chunked) as views into pushed chunks; absent: not computed. */
  readonly #onPayload: ((payload: Buffer) => void) | undefined;
  /** Told each offset in a pushed chunk where a chunk of a chunked body has just ended. */
  readonly #onChunkBoundary: ((chunk: Buffer, offset: number) => void) | undefined;
  #remaining: number;
  #state: number;
  /** Bytes of the current size/trailer line seen so far (lines can straddle chunks). */
  #line: number[] = [];
  /** Bytes of the chunk-terminating CRLF still expected. */
  #crlfLeft = 0;
  /** Total payload bytes so far. */
  payloadBytes = 0;

  constructor(
    mode: BodyMode,
    onPayload?: (payload: Buffer) => void,
    onChunkBoundary?: (chunk: Buffer, offset: number) => void,
  ) {
    this.mode = mode;
    this.#onPayload = onPayload;
    this.#onChunkBoundary = onChunkBoundary;
    this.#remaining = mode.kind === 'length' ? mode.length : 0;
    this.#state =
      mode.kind === 'none' || (mode.kind === 'length' && mode.length === 0)
        ? DONE
        : mode.kind === 'chunked'
          ? SIZE_LINE
          : DATA;
  }

  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Chunked bodies: between two chunks (before a chunk-size line), where a whole chunk of the
   * proxy's own may be put without breaking the framing.
   */
  get atChunkBoundary(): boolean {
    return this.mode.kind === 'chunked' && this.#state === SIZE_LINE && this.#line.length === 0;
  }

  push(chunk: Buffer): PushResult {
    if (this.#state === DONE) return { consumed: 0, done: true };
    if (this.#state === FAILED) return { consumed: chunk.length, done: false };
    switch (this.mode.kind) {
      case 'close':
        this.#payload(chunk);
        return { consumed: chunk.length, done: false };
      case 'length': {
        const take = Math.min(this.#remaining, chunk.length);
        this.#payload(take === chunk.length ? chunk : chunk.subarray(0, take));
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = DONE;
        return { consumed: take, done: this.#state === DONE };
      }
      case 'chunked':
        return this.#chunked(chunk);
      case 'none':
        return { consumed: 0, done: true };
    }
  }

  #payload(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.payloadBytes += bytes.length;
    this.#onPayload?.(bytes);
  }

  #chunked(chunk: Buffer): PushResult {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case SIZE_LINE:
        case TRAILER: {
          const lf = chunk.indexOf(LF, i);
          const end = lf < 0 ? n : lf;
          if (this.#line.length + (end - i) > MAX_LINE) {
            return this.#fail(n, 'http.line-too-long', 'chunk-size or trailer line too long');
          }
          for (let k = i; k < end; k++) this.#line.push(chunk[k] ?? 0);
          if (lf < 0) return { consumed: n, done: false };
          i = lf + 1;
          const line = Buffer.from(this.#line).toString('latin1').replace(/\r$/, '');
          this.#line = [];
          if (this.#state === TRAILER) {
            if (line === '') {
              this.#state = DONE;
              return { consumed: i, done: true };
            }
            break;
          }
          const sizeText = line.split(';')[0]?.trim() ?? '';
          if (!/^[0-9a-fA-F]{1,15}$/.test(sizeText)) {
            return this.#fail(
              n,
              'http.bad-chunk-size',
              `bad chunk size line "${line.slice(0, 40)}"`,
            );
          }
          const size = parseInt(sizeText, 16);
          if (size === 0) this.#state = TRAILER;
          else {
            this.#remaining = size;
            this.#state = DATA;
          }
          break;
        }
        case DATA: {
          const take = Math.min(this.#remaining, n - i);
          this.#payload(chunk.subarray(i, i + take));
          this.#remaining -= take;
          i += take;
          if (this.#remaining === 0) {
            this.#state = DATA_CRLF;
            this.#crlfLeft = 2;
          }
          break;
        }
        case DATA_CRLF: {
          const byte = chunk[i];
          // Accept a bare LF too, as Node's parser does.
          if (this.#crlfLeft === 2 && byte === CR) {
            this.#crlfLeft = 1;
            i += 1;
          } else if (byte === LF) {
            this.#state = SIZE_LINE;
            i += 1;
            this.#onChunkBoundary?.(chunk, i);
          } else {
            return this.#fail(n, 'http.bad-chunk-end', 'chunk data not followed by CRLF');
          }
          break;
        }
        default:
          return { consumed: i, done: this.#state === DONE };
      }
    }
    return { consumed: n, done: false };
  }

  /** After an error the boundaries are lost: the rest of the stream is passed on as it is. */
  #fail(chunkLength: number, code: FramerErrorCode, message: string): PushResult {
    this.#state = FAILED;
    return { consumed: chunkLength, done: false, error: { code, message } };
  }
}
