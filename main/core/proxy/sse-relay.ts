/**
 * The body of a proxied event stream, toward the client. Two ways to relay:
 *
 * - pass-through (the default): the upstream's bytes go on as they came, chunk for chunk. An
 *   event of Telltale's own is injected only where the client's parser is between events (after
 *   a blank line, or at the start) and, for a chunked body, between two chunks (it goes as a
 *   chunk of its own); it waits for such a place when the stream is mid-event.
 * - event by event (when breakpoint rules were on as the stream started): each event block is
 *   held until its blank line, decoded, given to the rules, and forwarded as it came, rewritten,
 *   dropped or paused. The body is then re-framed by the proxy: one chunk per event for a chunked
 *   body (trailers are not relayed), the bare blocks for a close-delimited one.
 *
 * A content-encoded (gzip…) or Content-Length body cannot take extra or changed bytes: injection
 * is refused and rules do not apply to it.
 */
import type { Duplex } from 'node:stream';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry, NewEntry } from '../../../shared/model/entry.ts';
import type { BreakpointController, Verdict } from '../replay/breakpoints.ts';
import type { OutgoingMessage } from '../replay/outgoing.ts';
import type { SseTap } from './sse-tap.ts';
import { now } from '../util/clock.ts';
import { InjectError } from './inject-error.ts';
import { forward } from './valve.ts';
import type { Valve } from './valve.ts';

const CR = 0x0d;
const LF = 0x0a;

export interface SseRelayOptions {
  connectionId: string;
  to: Duplex;
  source: Valve;
  framing: 'chunked' | 'close' | 'length';
  /** Content-Encoding other than identity. */
  encoded: boolean;
  atChunkBoundary: () => boolean;
  append: (entry: NewEntry) => void;
  tap: SseTap;
  /** The rules in force; when active as the stream starts, it is relayed event by event. */
  breakpoints?: BreakpointController | null;
  connection?: () => Connection | undefined;
}

type QueueItem = { block: Buffer } | { injection: Pending };

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

export class SseRelay {
  readonly #o: SseRelayOptions;
  readonly #pending: Pending[] = [];
  /** Parser position of the client after what was forwarded. */
  #lineStart = true;
  #betweenEvents = true;
  #lastCr = false;
  /** While a chunk is held back (injections pending): where it may be split. */
  #base: Buffer | null = null;
  #candidates: number[] = [];
  #ended = false;
  // ── event by event ──
  readonly intercepting: boolean;
  /** Bytes of the event block being read. */
  #blockParts: Buffer[] = [];
  readonly #queue: QueueItem[] = [];
  #paused = false;
  #finishing: (() => void) | null = null;

  constructor(options: SseRelayOptions) {
    this.#o = options;
    this.intercepting =
      (options.breakpoints?.active ?? false) && options.framing !== 'length' && !options.encoded;
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
    if (this.intercepting) {
      this.#split(view);
      this.#drain();
      return;
    }
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

  /**
   * Event by event: the body is over; what is held goes first (a paused event waits for its
   * decision), then `done` runs. Pass-through: `done` runs at once.
   */
  finish(done: () => void): void {
    if (!this.intercepting) {
      done();
      return;
    }
    this.#finishing = done;
    this.#drain();
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
      if (this.intercepting) {
        // In line with the events: never ahead of one that is paused.
        this.#queue.push({ injection: { bytes, entry, resolve, reject } });
        this.#drain();
        return;
      }
      this.#pending.push({ bytes, entry, resolve, reject });
      const framerReady = this.#o.framing === 'close' || this.#o.atChunkBoundary();
      if (this.#base === null && framerReady && this.#atEventBoundary) this.#flush();
    });
  }

  end(): void {
    this.#ended = true;
    this.release();
    const queued = this.#queue
      .splice(0)
      .flatMap((item) => ('injection' in item ? [item.injection] : []));
    for (const p of [...this.#pending.splice(0), ...queued]) {
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

  /** Cuts event blocks out of the payload (each up to and including its blank line). */
  #split(view: Buffer): void {
    let start = 0;
    for (let i = 0; i < view.length; i++) {
      const byte = view[i] ?? 0;
      // A blank line ended by a lone CR: the block ended before this byte.
      if (
        this.#betweenEvents &&
        this.#lineStart &&
        this.#lastCr &&
        byte !== LF &&
        this.#hasBlock(view, start, i)
      ) {
        this.#cut(view, start, i);
        start = i;
      }
      this.#step(byte);
      if (this.#atEventBoundary && this.#hasBlock(view, start, i + 1)) {
        this.#cut(view, start, i + 1);
        start = i + 1;
      }
    }
    if (start < view.length) this.#blockParts.push(Buffer.from(view.subarray(start)));
  }

  #hasBlock(view: Buffer, start: number, end: number): boolean {
    return end > start || this.#blockParts.length > 0;
  }

  #cut(view: Buffer, start: number, end: number): void {
    const block = Buffer.concat([...this.#blockParts, view.subarray(start, end)]);
    this.#blockParts = [];
    this.#queue.push({ block });
  }

  #drain(): void {
    while (!this.#paused) {
      const item = this.#queue.shift();
      if (item === undefined) break;
      if ('injection' in item) {
        const refused = this.#refusal();
        if (refused) item.injection.reject(refused);
        else {
          // Already framed for the body (see `inject`).
          forward(this.#o.to, item.injection.bytes, this.#o.source);
          this.#o.append({ ...item.injection.entry, time: now() });
          item.injection.resolve();
        }
        continue;
      }
      this.#handle(item.block);
    }
    if (this.#paused || this.#finishing === null) return;
    const done = this.#finishing;
    this.#finishing = null;
    // An unfinished last event goes on as it came (the client drops it, as it would have).
    if (this.#blockParts.length > 0) {
      const rest = Buffer.concat(this.#blockParts.splice(0));
      this.#o.tap.push(rest); // the tap reports it as unfinished when the stream ends
      this.#write(rest);
    }
    if (this.#o.framing === 'chunked')
      forward(this.#o.to, Buffer.from('0\r\n\r\n'), this.#o.source);
    done();
  }

  #handle(block: Buffer): void {
    const entries = this.#o.tap.decode(block);
    const eventIndex = entries.findIndex((e) => e.kind === 'event');
    const event = entries[eventIndex];
    const controller = this.#o.breakpoints;
    if (event === undefined || !controller?.active) {
      this.#write(block);
      for (const entry of entries) this.#o.append(entry);
      return;
    }
    const verdict = controller.decide({ ...event, seq: 0 } satisfies Entry, this.#o.connection?.());
    if (verdict instanceof Promise) {
      this.#paused = true;
      this.#o.source.pause('breakpoint');
      void verdict.then((v) => {
        this.#paused = false;
        this.#apply(v, block, entries, eventIndex);
        this.#o.source.resume('breakpoint');
        this.#drain();
      });
      return;
    }
    this.#apply(verdict, block, entries, eventIndex);
  }

  #apply(verdict: Verdict, block: Buffer, entries: NewEntry[], eventIndex: number): void {
    const event = entries[eventIndex];
    if (event === undefined) return;
    for (const [i, entry] of entries.entries()) if (i !== eventIndex) this.#o.append(entry);
    if (verdict.action === 'forward') {
      this.#write(block);
      this.#o.append(event);
      return;
    }
    if (verdict.action === 'drop') {
      this.#o.append({ ...event, intervention: 'dropped' });
      return;
    }
    const payload =
      typeof verdict.payload === 'string'
        ? verdict.payload
        : Buffer.from(verdict.payload).toString('utf8');
    const edited = {
      payload,
      ...(event.sse?.event === undefined ? {} : { event: event.sse.event }),
      ...(event.sse?.id === undefined ? {} : { id: event.sse.id }),
    };
    const bytes = Buffer.from(sseEventBlock(edited), 'utf8');
    this.#write(bytes);
    this.#o.append({
      ...event,
      time: now(),
      payload,
      payloadSize: Buffer.byteLength(payload),
      wireSize: bytes.length,
      intervention: 'edited',
    });
  }

  /** One block toward the client, framed as the body is. */
  #write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const framed =
      this.#o.framing === 'chunked'
        ? Buffer.concat([
            Buffer.from(`${bytes.length.toString(16)}\r\n`),
            bytes,
            Buffer.from('\r\n'),
          ])
        : bytes;
    forward(this.#o.to, framed, this.#o.source);
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
