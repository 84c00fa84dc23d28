/**
 * Injection of an SSE event into a proxied event stream, toward the client. The upstream's bytes
 * go on as they came; an event of Telltale's own is written only where the client's parser is
 * between events (after a blank line, or at the start) and, for a chunked body, between two
 * chunks (it goes as a chunk of its own). It waits for such a place when the stream is mid-event.
 * A content-encoded (gzip…) or Content-Length body cannot take extra bytes: refused.
 */
import type { Duplex } from 'node:stream';
import type { NewEntry } from '../../../shared/model/entry.ts';
import type { OutgoingMessage } from '../replay/outgoing.ts';
import { now } from '../util/clock.ts';
import { InjectError } from './inject-error.ts';
import { forward } from './valve.ts';
import type { Valve } from './valve.ts';

const CR = 0x0d;
const LF = 0x0a;

export interface SseInjectorOptions {
  connectionId: string;
  to: Duplex;
  source: Valve;
  framing: 'chunked' | 'close' | 'length';
  /** Content-Encoding other than identity. */
  encoded: boolean;
  atChunkBoundary: () => boolean;
  append: (entry: NewEntry) => void;
}

interface Pending {
  bytes: Buffer;
  entry: Omit<NewEntry, 'time'>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The `text/event-stream` block of an injected event. */
export function sseEventBlock(message: { payload: string; event?: string; id?: string }): string {
  let block = '';
  if (message.event !== undefined && message.event !== 'message')
    block += `event: ${message.event}\n`;
  if (message.id !== undefined) block += `id: ${message.id}\n`;
  for (const line of message.payload.split(/\r\n|\r|\n/)) block += `data: ${line}\n`;
  return block + '\n';
}

export class SseInjector {
  readonly #o: SseInjectorOptions;
  readonly #pending: Pending[] = [];
  /** Parser position of the client after what was forwarded. */
  #lineStart = true;
  #betweenEvents = true;
  #lastCr = false;
  /** While a chunk is held back (injections pending): where it may be split. */
  #base: Buffer | null = null;
  #candidates: number[] = [];
  #ended = false;

  constructor(options: SseInjectorOptions) {
    this.#o = options;
  }

  get #atEventBoundary(): boolean {
    return this.#betweenEvents && this.#lineStart && !this.#lastCr;
  }

  /**
   * An upstream chunk is about to be framed. Returns true when the caller must not forward it
   * yet (injections wait for a place in it): `release` forwards it, split where they go.
   */
  begin(chunk: Buffer): boolean {
    if (this.#pending.length === 0) return false;
    this.#base = chunk;
    this.#candidates = [];
    return true;
  }

  /** De-chunked payload, a view into the chunk being framed. */
  onPayload(view: Buffer): void {
    const base = this.#base;
    if (base === null) {
      // Only the end state matters: start after the last byte that is not a line break.
      let k = view.length - 1;
      while (k >= 0 && (view[k] === CR || view[k] === LF)) k--;
      if (k >= 0) {
        this.#lineStart = false;
        this.#betweenEvents = false;
        this.#lastCr = false;
      }
      for (let i = k + 1; i < view.length; i++) this.#step(view[i] ?? 0);
      return;
    }
    for (let i = 0; i < view.length; i++) {
      this.#step(view[i] ?? 0);
      if (this.#o.framing === 'close' && this.#atEventBoundary) {
        this.#candidates.push(view.byteOffset + i + 1 - base.byteOffset);
      }
    }
  }

  onChunkBoundary(chunk: Buffer, offset: number): void {
    const base = this.#base;
    if (base !== null && this.#atEventBoundary) {
      this.#candidates.push(chunk.byteOffset + offset - base.byteOffset);
    }
  }

  /** Forwards the held chunk, with the injections at the first place that takes them. */
  release(): void {
    const chunk = this.#base;
    if (chunk === null) return;
    this.#base = null;
    const { to, source } = this.#o;
    const at = this.#candidates[0];
    if (at === undefined) {
      forward(to, chunk, source);
      return;
    }
    if (at > 0) forward(to, chunk.subarray(0, at), source);
    this.#flush();
    if (at < chunk.length) forward(to, chunk.subarray(at), source);
  }

  inject(message: OutgoingMessage): Promise<void> {
    if (message.kind !== 'event') {
      return Promise.reject(
        new InjectError('inject.wrong-kind', 'only an SSE event can go into an event stream'),
      );
    }
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const block = Buffer.from(sseEventBlock(message), 'utf8');
    const bytes =
      this.#o.framing === 'chunked'
        ? Buffer.concat([
            Buffer.from(`${block.length.toString(16)}\r\n`),
            block,
            Buffer.from('\r\n'),
          ])
        : block;
    const entry: Omit<NewEntry, 'time'> = {
      connectionId: this.#o.connectionId,
      direction: 'in',
      kind: 'event',
      payload: message.payload,
      payloadSize: Buffer.byteLength(message.payload),
      wireSize: block.length,
      sse: {
        event: message.event ?? 'message',
        // What the client holds after it: the injected id, or (unknown here) none.
        lastEventId: message.id ?? '',
        ...(message.id === undefined ? {} : { id: message.id }),
      },
      intervention: 'injected',
    };
    return new Promise((resolve, reject) => {
      this.#pending.push({ bytes, entry, resolve, reject });
      const framerReady = this.#o.framing === 'close' || this.#o.atChunkBoundary();
      if (this.#base === null && framerReady && this.#atEventBoundary) this.#flush();
    });
  }

  end(): void {
    this.#ended = true;
    this.release();
    for (const p of this.#pending.splice(0)) {
      p.reject(new InjectError('inject.closed', 'the stream ended before the event could be sent'));
    }
  }

  #refusal(): InjectError | null {
    if (this.#ended || this.#o.to.destroyed || this.#o.to.writableEnded) {
      return new InjectError('inject.closed', 'the stream is closed');
    }
    if (this.#o.encoded) {
      return new InjectError(
        'inject.not-possible',
        'the stream is content-encoded: an event cannot be added to it',
      );
    }
    if (this.#o.framing === 'length') {
      return new InjectError(
        'inject.not-possible',
        'the stream has a Content-Length: an event cannot be added to it',
      );
    }
    return null;
  }

  #flush(): void {
    for (const p of this.#pending.splice(0)) {
      forward(this.#o.to, p.bytes, this.#o.source);
      this.#o.append({ ...p.entry, time: now() });
      p.resolve();
    }
  }

  #step(byte: number): void {
    if (byte === LF && this.#lastCr) {
      this.#lastCr = false;
      return;
    }
    if (byte === CR || byte === LF) {
      if (this.#lineStart) this.#betweenEvents = true;
      this.#lineStart = true;
      this.#lastCr = byte === CR;
      return;
    }
    this.#lineStart = false;
    this.#betweenEvents = false;
    this.#lastCr = false;
  }
}
