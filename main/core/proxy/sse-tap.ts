import type { Transform } from 'node:stream';
import type { NewEntry } from '../../../shared/model/entry.ts';
import { SseDecoder } from '../protocol/sse/sse-decoder.ts';
import { sseOutputToEntry } from '../protocol/sse/to-entry.ts';
import { contentDecoder } from '../connect/content-decoding.ts';
import { now } from '../util/clock.ts';
import type { ExchangeRecord } from './exchange-record.ts';

/** Compressed bytes the content decoder may hold before the tap gives up (memory stays bounded). */
const maxPendingDecode = 8 * 1024 * 1024;

/**
 * Beside a proxied event stream: the de-chunked body (from the body framer) is content-decoded
 * and fed to the SSE decoder; each event becomes an entry as it arrives. Forwarding never waits
 * for it, and a decoding failure becomes an `error` entry, never an exception in the pipe.
 */
export class SseTap {
  readonly #record: ExchangeRecord;
  readonly #decoder: SseDecoder;
  readonly #inflate: Transform | null = null;
  #stopped = false;
  readonly #drained: Promise<void>;
  /** While set, decoded entries are collected here instead of recorded. */
  #capture: NewEntry[] | null = null;

  constructor(record: ExchangeRecord, contentEncoding: string) {
    this.#record = record;
    this.#decoder = new SseDecoder({
      onOutput: (out) => {
        const entry = sseOutputToEntry(out, { connectionId: record.id, time: now() });
        if (!entry) return;
        if (this.#capture) this.#capture.push(entry);
        else record.store.append(entry);
      },
    });
    let inflate: Transform | null = null;
    try {
      inflate = contentDecoder(contentEncoding);
    } catch (error) {
      this.#fail('sse.unsupported-encoding', (error as Error).message);
    }
    this.#inflate = inflate;
    if (!inflate) {
      this.#drained = Promise.resolve();
      return;
    }
    inflate.on('data', (chunk: Buffer) => {
      if (!this.#stopped) this.#decoder.feed(chunk);
    });
    this.#drained = new Promise((resolve) => {
      inflate.on('end', resolve);
      inflate.on('close', resolve);
      inflate.on('error', (error: Error) => {
        this.#fail('sse.content-decoding', `content decoding failed: ${error.message}`);
        resolve();
      });
    });
  }

  /** A piece of the de-chunked body (a view of a forwarded chunk: it is only read). */
  push(payload: Buffer): void {
    if (this.#stopped) return;
    if (!this.#inflate) {
      this.#decoder.feed(payload);
      return;
    }
    if (this.#inflate.writableLength > maxPendingDecode) {
      this.#fail('proxy.tap-overrun', 'content decoding fell behind; the rest is not decoded');
      this.#inflate.destroy();
      return;
    }
    this.#inflate.write(payload);
  }

  /**
   * Decodes one complete event block of an identity-encoded stream and returns its entries,
   * unrecorded (the proxy records them once it knows what became of them).
   */
  decode(block: Buffer): NewEntry[] {
    const entries: NewEntry[] = [];
    this.#capture = entries;
    try {
      this.push(block);
    } finally {
      this.#capture = null;
    }
    return entries;
  }

  /** The body is over: decodes what is left and reports an unfinished last event. */
  async end(): Promise<void> {
    if (this.#inflate && !this.#inflate.destroyed) this.#inflate.end();
    await this.#drained;
    this.#decoder.end();
  }

  #fail(code: string, message: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#record.append({
      time: now(),
      direction: 'in',
      kind: 'error',
      payload: message,
      payloadSize: 0,
      wireSize: 0,
      notes: [{ code, message }],
    });
  }
}
