/**
 * SSE decoding off the forwarding thread: the tap copies each piece of a stream's de-chunked
 * body into a batch, batches go to one shared decoding worker (sse-decode-worker.ts) at most
 * once per event-loop turn, and the outputs come back to be recorded here, in stream order.
 *
 * The queue per stream is bounded: bytes handed over and not yet decoded never exceed
 * `maxQueuedBytes`; a piece that would go past it is refused (`push` returns false) and the
 * caller stops decoding that stream. Forwarding never waits for the worker.
 */
import { Worker } from 'node:worker_threads';
import type { SseOutput } from '../protocol/sse/sse-output.ts';

export type ToDecodeWorker =
  | { op: 'data'; stream: number; batch: number; bytes: ArrayBuffer; length: number }
  | { op: 'end'; stream: number; batch: number; discard: boolean };

export interface FromDecodeWorker {
  stream: number;
  batch: number;
  outputs: SseOutput[];
  ended: boolean;
}

/** Default bound on a stream's bytes in the queue (copied, not yet decoded). */
export const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** A batch is sent when it is this full, or at the end of the event-loop turn. */
const BATCH_BYTES = 64 * 1024;

interface StreamSink {
  /** Outputs of one batch, with the time its first bytes arrived. */
  onOutputs(outputs: SseOutput[], time: number): void;
  onEnded(): void;
  onWorkerError(error: Error): void;
}

interface StreamState {
  sink: StreamSink;
  /** Arrival time of each batch in flight, by batch number. */
  times: Map<number, number>;
  queued: number;
  sizes: Map<number, number>;
}

/** One worker for the process; streams are multiplexed over it. */
export class SseDecodeOffload {
  readonly maxQueuedBytes: number;
  #worker: Worker | null = null;
  #nextId = 1;
  readonly #streams = new Map<number, StreamState>();
  #failed: Error | null = null;

  constructor(options: { maxQueuedBytes?: number } = {}) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  }

  open(sink: StreamSink): OffloadedStream {
    const id = this.#nextId++;
    this.#streams.set(id, { sink, times: new Map(), queued: 0, sizes: new Map() });
    this.#ensureWorker().ref();
    return new OffloadedStream(this, id);
  }

  /** @internal Used by OffloadedStream. */
  queuedBytes(id: number): number {
    return this.#streams.get(id)?.queued ?? 0;
  }

  /** @internal Hands a batch (its buffer is transferred) or the end to the worker. */
  send(message: ToDecodeWorker, time: number): void {
    const state = this.#streams.get(message.stream);
    if (state === undefined) return;
    if (this.#failed) {
      state.sink.onWorkerError(this.#failed);
      return;
    }
    state.times.set(message.batch, time);
    if (message.op === 'data') {
      state.queued += message.length;
      state.sizes.set(message.batch, message.length);
      this.#ensureWorker().postMessage(message, [message.bytes]);
    } else {
      this.#ensureWorker().postMessage(message);
    }
  }

  /** Stops the worker (tests; a process may simply exit). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./sse-decode-worker.ts', import.meta.url));
    worker.on('message', (reply: FromDecodeWorker) => {
      this.#onReply(reply);
    });
    worker.on('error', (error: Error) => {
      this.#failed = error;
      for (const state of this.#streams.values()) state.sink.onWorkerError(error);
      this.#streams.clear();
    });
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #onReply(reply: FromDecodeWorker): void {
    const state = this.#streams.get(reply.stream);
    if (state === undefined) return;
    const time = state.times.get(reply.batch) ?? 0;
    state.times.delete(reply.batch);
    state.queued -= state.sizes.get(reply.batch) ?? 0;
    state.sizes.delete(reply.batch);
    if (reply.outputs.length > 0) state.sink.onOutputs(reply.outputs, time);
    if (reply.ended) {
      this.#streams.delete(reply.stream);
      if (this.#streams.size === 0) this.#worker?.unref();
      state.sink.onEnded();
    }
  }
}

/** One stream's side of the queue: copies pieces into batches and sends them. */
export class OffloadedStream {
  readonly #offload: SseDecodeOffload;
  readonly #id: number;
  #batch = 0;
  #buffer: Buffer | null = null;
  #length = 0;
  #time = 0;
  #scheduled = false;
  #ended = false;

  constructor(offload: SseDecodeOffload, id: number) {
    this.#offload = offload;
    this.#id = id;
  }

  /**
   * Copies `piece` into the current batch; false (nothing taken) when the stream's queue would
   * go past its bound.
   */
  push(piece: Uint8Array, time: number): boolean {
    if (this.#ended) return false;
    if (
      this.#offload.queuedBytes(this.#id) + this.#length + piece.length >
      this.#offload.maxQueuedBytes
    )
      return false;
    let at = 0;
    while (at < piece.length) {
      if (this.#buffer === null) {
        this.#buffer = Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, piece.length - at));
        this.#length = 0;
        this.#time = time;
      }
      const n = Math.min(piece.length - at, this.#buffer.length - this.#length);
      this.#buffer.set(piece.subarray(at, at + n), this.#length);
      this.#length += n;
      at += n;
      if (this.#length === this.#buffer.length) this.#send();
    }
    if (this.#buffer !== null && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#send();
      });
    }
    return true;
  }

  /**
   * No more bytes: what is batched goes, then the end (the sink hears onEnded after the last
   * outputs). `discard`: the stream stops being decoded midway, so its decoder is dropped
   * without reporting an unfinished last event (what was accepted is still decoded).
   */
  end(discard = false): void {
    if (this.#ended) return;
    this.#send();
    this.#ended = true;
    this.#offload.send({ op: 'end', stream: this.#id, batch: ++this.#batch, discard }, 0);
  }

  #send(): void {
    const buffer = this.#buffer;
    if (buffer === null || this.#length === 0) return;
    this.#buffer = null;
    // allocUnsafeSlow: the Buffer owns its whole ArrayBuffer, so it can be transferred.
    this.#offload.send(
      {
        op: 'data',
        stream: this.#id,
        batch: ++this.#batch,
        bytes: buffer.buffer as ArrayBuffer,
        length: this.#length,
      },
      this.#time,
    );
  }
}
