/**
 * Keeps the body of a plain HTTP request or response for the record, beside the forwarding: the
 * framer hands it the de-chunked body bytes (which are forwarded untouched elsewhere), it keeps a
 * copy, content-decoded, up to a cap. Polling transports (Engine.IO, SignalR), JSON-RPC over HTTP
 * and MCP's POSTs live in these bodies.
 *
 * Identity bodies finish synchronously, so their entry lands in the timeline in order with the
 * rest of the connection; encoded ones finish when the decoder has drained.
 */
import { isUtf8 } from 'node:buffer';
import type { Transform } from 'node:stream';
import type { DecoderNote, NewEntry } from '../../../shared/model/entry.ts';
import { contentDecoder } from '../connect/content-decoding.ts';

/** Default cap on a kept body (decoded bytes). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Encoded bytes fed to the decoder at most, as a multiple of the cap: past it the body is
 * truncated however little it has decoded to (a bound on the work a hostile body can cause).
 */
const ENCODED_INPUT_FACTOR = 4;

export interface CapturedBody {
  /** What was kept: the decoded body, or its first `cap` bytes. */
  bytes: Buffer;
  /** Body bytes as framed on the wire (after de-chunking, before content-decoding). */
  wireSize: number;
  truncated: boolean;
  /** A decoding problem; `bytes` then hold what decoded before it (or the raw body). */
  note?: DecoderNote;
}

export class BodyCapture {
  readonly #cap: number;
  readonly #kept: Buffer[] = [];
  #keptSize = 0;
  #wireSize = 0;
  #fed = 0;
  #truncated = false;
  #decoder: Transform | null = null;
  #drained: Promise<void> | null = null;
  #note: DecoderNote | undefined;

  constructor(contentEncoding: string, cap: number) {
    this.#cap = Math.max(0, cap);
    try {
      this.#decoder = contentDecoder(contentEncoding);
    } catch (error) {
      // Kept as it came, and said so.
      this.#note = {
        code: 'body-encoding-unsupported',
        message: `${(error as Error).message}: body kept as sent`,
      };
    }
    const decoder = this.#decoder;
    if (decoder) {
      decoder.on('data', (chunk: Buffer) => {
        this.#keep(chunk);
      });
      this.#drained = new Promise<void>((resolve) => {
        decoder.once('end', resolve);
        decoder.once('error', (error: Error) => {
          this.#note = {
            code: 'body-decode-failed',
            message: `could not decode the body: ${error.message}`,
          };
          resolve();
        });
      });
    }
  }

  get wireSize(): number {
    return this.#wireSize;
  }

  /** Body bytes as framed on the wire; never modified, copied when kept. */
  push(payload: Uint8Array): void {
    this.#wireSize += payload.length;
    const decoder = this.#decoder;
    if (!decoder) {
      this.#keep(payload);
      return;
    }
    if (this.#keptSize >= this.#cap || this.#fed >= this.#cap * ENCODED_INPUT_FACTOR) {
      this.#truncated = true;
      return;
    }
    this.#fed += payload.length;
    // A copy: the decoder may hold on to its input after this call returns.
    decoder.write(Buffer.from(payload));
  }

  /** The body so far, when complete (or when the exchange ended early). */
  finish(): CapturedBody | Promise<CapturedBody> {
    const decoder = this.#decoder;
    const drained = this.#drained;
    if (!decoder || !drained) return this.#result();
    decoder.end();
    return drained.then(() => this.#result());
  }

  #keep(bytes: Uint8Array): void {
    const room = this.#cap - this.#keptSize;
    if (bytes.length > room) this.#truncated = true;
    if (room <= 0) return;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.#kept.push(Buffer.from(part));
    this.#keptSize += part.length;
  }

  #result(): CapturedBody {
    const body: CapturedBody = {
      bytes: Buffer.concat(this.#kept, this.#keptSize),
      wireSize: this.#wireSize,
      truncated: this.#truncated,
    };
    if (this.#note) body.note = this.#note;
    return body;
  }
}

/**
 * The timeline entry for a kept body: text when it is UTF-8 (a truncated body may end inside a
 * character: the incomplete tail is not held against it), bytes otherwise.
 */
export function bodyEntry(
  direction: 'out' | 'in',
  body: CapturedBody,
  time: number,
  cap: number,
): Omit<NewEntry, 'connectionId'> | null {
  if (body.bytes.length === 0 && body.wireSize === 0 && !body.note) return null;
  const notes: DecoderNote[] = [];
  if (body.note) notes.push(body.note);
  if (body.truncated) {
    notes.push({
      code: 'body-truncated',
      message: `body truncated: kept the first ${body.bytes.length} decoded bytes (cap ${cap}) of a body of ${body.wireSize} bytes on the wire`,
    });
  }
  const text = textOf(body.bytes, body.truncated);
  const entry: Omit<NewEntry, 'connectionId'> = {
    time,
    direction,
    kind: text === undefined ? 'binary' : 'text',
    payload: text ?? new Uint8Array(body.bytes.buffer, body.bytes.byteOffset, body.bytes.length),
    payloadSize: text === undefined ? body.bytes.length : Buffer.byteLength(text),
    wireSize: body.wireSize,
  };
  if (notes.length > 0) entry.notes = notes;
  return entry;
}

function textOf(bytes: Buffer, truncated: boolean): string | undefined {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  if (!truncated) return undefined;
  // Cut inside a multi-byte character: drop the incomplete tail (at most 3 bytes).
  for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) {
    const head = bytes.subarray(0, bytes.length - cut);
    if (isUtf8(head)) return head.toString('utf8');
  }
  return undefined;
}
