import type { Transform } from 'node:stream';
import type { NewEntry } from '../../../shared/model/entry.ts';
import { SseDecoder } from '../protocol/sse/sse-decoder.ts';
import { sseOutputToEntry } from '../protocol/sse/to-entry.ts';
import { contentDecoder } from '../connect/content-decoding.ts';
import { now } from '../util/clock.ts';
import type { ExchangeRecord } from './exchange-record.ts';
import type { OffloadedStream, SseDecodeOffload } from './sse-decode-offload.ts';

/** Compressed bytes the content decoder may hold before the tap gives up (memory stays bounded). */
const maxPendingDecode = 8 * 1024 * 1024;

export interface SseTapOptions {
  /**
   * Decode identity-encoded streams on this worker instead of the forwarding thread (default:
   * the process-wide choice of `offloadSseDecoding`, off unless set). Content-encoded streams
   * are inflated by zlib on the thread pool already and decode inline.
   */
  offload?: SseDecodeOffload | null;
}

let defaultOffload: SseDecodeOffload | null = null;

/** The process-wide default for `SseTapOptions.offload` (taps made from now on). */
export function offloadSseDecoding(offload: SseDecodeOffload | null): void {
  defaultOffload = offload;
}

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
  /** Where pushed bytes are decoded when off the forwarding thread (see SseTapOptions). */
  #offload: SseDecodeOffload | null;
  #offloaded: OffloadedStream | null = null;
  #offloadEnded: Promise<void> | null = null;
  /** Bytes given up on because the decoding queue was full (`fell behind`). */
  #undecoded = 0;
  #fedOffload = 0;

  constructor(record: ExchangeRecord, contentEncoding: string, options: SseTapOptions = {}) {
    this.#record = record;
    this.#offload = options.offload === undefined ? defaultOffload : options.offload;
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
    if (this.#undecoded > 0) {
      this.#undecoded += payload.length;
      return;
    }
    if (this.#stopped) return;
    if (!this.#inflate) {
      if (this.#offload !== null && this.#capture === null) this.#pushOffloaded(payload);
      else this.#decoder.feed(payload);
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
    // Event by event (breakpoints): decoded here and now, so never on the worker.
    this.#offload = null;
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
    if (this.#offloaded !== null) {
      this.#offloaded.end();
      await this.#offloadEnded;
      if (this.#undecoded > 0) {
        this.#error(
          'proxy.tap-overrun',
          `decoder fell behind: ${this.#undecoded} bytes not decoded (the stream was forwarded whole)`,
        );
      }
      return;
    }
    if (this.#inflate && !this.#inflate.destroyed) this.#inflate.end();
    await this.#drained;
    this.#decoder.end();
  }

  #pushOffloaded(payload: Buffer): void {
    if (this.#offloaded === null) {
      const offload = this.#offload as SseDecodeOffload;
      const connectionId = this.#record.id;
      let ended = (): void => undefined;
      this.#offloadEnded = new Promise((resolve) => {
        ended = resolve;
      });
      this.#offloaded = offload.open({
        onOutputs: (outputs, time) => {
          for (const out of outputs) {
            const entry = sseOutputToEntry(out, { connectionId, time });
            if (entry) this.#record.store.append(entry);
          }
        },
        onEnded: () => {
          // After the outputs of everything queued before the overrun: said where it happened.
          if (this.#undecoded > 0) {
            this.#error(
              'proxy.tap-overrun',
              `decoder fell behind: decoding stopped after ${this.#fedOffload} bytes; ${this.#undecoded} bytes not decoded so far, the rest will not be (forwarding is not affected)`,
            );
          }
          ended();
        },
        onWorkerError: (error) => {
          this.#fail('proxy.decode-worker', `the SSE decoding worker failed: ${error.message}`);
          ended();
        },
      });
    }
    if (this.#offloaded.push(payload, now())) {
      this.#fedOffload += payload.length;
      return;
    }
    // The worker is behind by the whole queue: stop decoding this stream (what was queued is
    // still decoded and recorded first); forwarding goes on untouched.
    this.#undecoded = payload.length;
    this.#offloaded.end(true);
  }

  #fail(code: string, message: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#error(code, message);
  }

  #error(code: string, message: string): void {
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
