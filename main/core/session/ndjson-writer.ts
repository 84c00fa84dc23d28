/**
 * Writes a Telltale NDJSON session file as capture goes (the journal), or all at once (export).
 *
 * - The file is created owner-only (0600: journals keep auth headers and cookies) and the header
 *   line is written synchronously by the constructor, so a bad path fails at once.
 * - Lines are queued and written in batches at most `flushIntervalMs` (default 50, at most 100)
 *   after they were queued, or sooner when 1 MiB is waiting. A line that has been handed to the
 *   OS survives the process being killed; `close()` adds fsync for power loss.
 * - Following a store (`options.store`): the store's current connections and entries are written
 *   first, then every change batch. The store coalesces for 16 ms, so a change reaches the OS
 *   within about 16 + `flushIntervalMs` ms. `close()` flushes the store first.
 * - Explicit writes (`writeConnection`, `writeEntry`, `writeBatch`) work with or without a store.
 * - A write failure (disk full…) stops writing; `onError` hears it once and `close()` rejects.
 * - Payload eviction: when following a store, the writer tells it where each entry's line lies
 *   in the file once the line has been handed to the OS (`store.noteStored`), and the store may
 *   then drop that payload from memory and read it back from here. The file must therefore not
 *   be changed by anyone else while the store lives.
 * - Backpressure: the store calls this writer's synchronous drain (`addBacklogDrain`) when it
 *   is over its payload budget and more than `BACKLOG_DRAIN_BYTES` of payload waits for the
 *   file; everything queued is then written with writeSync before the append returns. Every
 *   write is positional (pwrite), and a chunk whose asynchronous write is still in flight is
 *   written again at the same offset with the same bytes, so the file never has a hole (a
 *   kill -9 right after leaves whole lines only) and both writes leave identical bytes.
 */
import { close, closeSync, fsync, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import {
  escapeLineSeparators,
  serializeConnection,
  serializeEntry,
  serializeHeader,
} from './ndjson.ts';
import type { SessionStore, StoreBatch } from './store.ts';

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

const DEFAULT_FLUSH_INTERVAL_MS = 50;
const MAX_FLUSH_INTERVAL_MS = 100;
const CHUNK_CHARS = 1 << 20;

export interface NdjsonSessionWriterOptions {
  /** Follow this store: write what it holds now, then every change. */
  store?: SessionStore;
  /** Batch window for disk writes, 0–100 ms (default 50). */
  flushIntervalMs?: number;
  /** Header `created` (epoch ms); defaults to now. */
  created?: number;
  /** Called once if writing fails; the writer stops writing. */
  onError?: (error: Error) => void;
}

export class NdjsonSessionWriter {
  readonly path: string;
  readonly #fd: number;
  readonly #flushIntervalMs: number;
  readonly #onError: ((error: Error) => void) | undefined;
  readonly #store: SessionStore | undefined;
  #unsubscribe: (() => void) | undefined;
  #unregisterDrain: (() => void) | undefined;
  /** The chunk whose asynchronous write has not completed (the sync drain rewrites it). */
  #inFlight: WrittenChunk | undefined;
  /** Lines of the initial store snapshot, produced lazily so a big export never sits in memory. */
  #snapshot: Iterator<QueuedLine> | undefined;
  /**
   * Lines, or a followed store's entries serialized only when their chunk is taken: a line
   * string queued for up to 100 ms outlives a young-generation GC and dies in the old one, a
   * copy of every payload churned through the old heap; the entry is held by the store anyway.
   */
  #pending: (string | Entry)[] = [];
  /** The seq of each pending line that is a store's entry, else 0 (parallel to #pending). */
  #pendingSeqs: number[] = [];
  /** Bytes in the file so far: where the next chunk starts. */
  #fileOffset = 0;
  /** The store's id for this file (0: not following a store, or it cannot read it back). */
  #payloadFile = 0;
  /** Reused across chunks: lines are encoded into it one by one to learn their byte offsets. */
  #scratch = Buffer.alloc(0);
  /** The same for the synchronous drain, which may run while #scratch is being written. */
  #syncScratch = Buffer.alloc(0);
  /** Lines before this index of #pending are written already (no O(n) shift per chunk). */
  #pendingStart = 0;
  #pendingChars = 0;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #error: Error | undefined;
  #closing: Promise<void> | undefined;
  /** Set once close() has taken the store's last batch; later writes are a programming error. */
  #closed = false;

  constructor(path: string, options: NdjsonSessionWriterOptions = {}) {
    const interval = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(interval >= 0 && interval <= MAX_FLUSH_INTERVAL_MS)) {
      throw new RangeError(`flushIntervalMs must be within 0–100, got ${interval}`);
    }
    this.path = path;
    this.#flushIntervalMs = interval;
    this.#onError = options.onError;
    this.#fd = openSync(path, 'w', 0o600);
    try {
      const header = Buffer.from(serializeHeader(options.created ?? Date.now()) + '\n', 'utf8');
      writeSync(this.#fd, header, 0, header.length, 0);
      this.#fileOffset = header.length;
    } catch (error) {
      closeSync(this.#fd);
      throw error;
    }
    this.#store = options.store;
    if (this.#store !== undefined) {
      const store = this.#store;
      // Subscribing first delivers the store's pending changes to its other listeners; every
      // change from here on reaches us, and the snapshot covers everything before.
      this.#payloadFile = store.payloadFile(path);
      this.#unsubscribe = store.subscribe((batch) => {
        for (const connection of batch.connections) this.writeConnection(connection);
        for (const entry of batch.entries) this.#queue(entry, entry.seq);
      });
      this.#snapshot = snapshotLines(store, store.connections(), store.lastSeq);
      if (this.#payloadFile > 0) {
        this.#unregisterDrain = store.addBacklogDrain(() => {
          this.#drainSync();
        });
      }
      this.#kick();
    }
  }

  /** The write error that stopped this writer, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  writeConnection(connection: Connection): void {
    this.#queue(serializeConnection(connection));
  }

  writeEntry(entry: Entry): void {
    this.#queue(serializeEntry(entry));
  }

  /**
   * A record of a later kind (`llm`, `diagnostic`…: see docs/session-format.md): one JSON line
   * with its own `type`, which readers that do not know it skip.
   */
  writeRecord(record: { type: string }): void {
    this.#queue(escapeLineSeparators(JSON.stringify(record)));
  }

  /** Connections first: every entry's connection line precedes it in the file. */
  writeBatch(batch: StoreBatch): void {
    for (const connection of batch.connections) this.writeConnection(connection);
    for (const entry of batch.entries) this.writeEntry(entry);
  }

  /** Hands everything queued so far to the OS (no fsync). */
  async flush(): Promise<void> {
    this.#store?.flush();
    this.#clearTimer();
    while (this.#hasQueued() || this.#draining !== undefined) {
      this.#kick();
      await this.#draining;
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** Writes everything, fsyncs, closes. Resolves once the data is on disk; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#store?.flush();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    this.#closed = true;
    try {
      await this.flush();
      await fsyncAsync(this.#fd);
    } finally {
      this.#clearTimer();
      await closeAsync(this.#fd);
    }
    await fsyncDirectory(dirname(this.path));
  }

  #queue(line: string | Entry, seq = 0): void {
    if (this.#closed) {
      throw new Error(`NdjsonSessionWriter: write after close (${this.path})`);
    }
    if (this.#error !== undefined) return;
    this.#pending.push(line);
    this.#pendingSeqs.push(seq);
    this.#pendingChars += queuedChars(line);
    if (this.#pendingChars >= CHUNK_CHARS) this.#kick();
    else this.#schedule();
  }

  #hasQueued(): boolean {
    return this.#error === undefined && (this.#snapshot !== undefined || this.#hasPending());
  }

  #hasPending(): boolean {
    return this.#pendingStart < this.#pending.length;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#draining !== undefined) return;
    // Ref'd on purpose: it lives at most flushIntervalMs, and lets queued lines reach the disk
    // even if the owner forgets close().
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
    }, this.#flushIntervalMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #kick(): void {
    if (this.#draining !== undefined || !this.#hasQueued()) return;
    this.#clearTimer();
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // Lines queued during the last write are not left waiting for another trigger.
      if (this.#hasQueued()) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    try {
      for (let lines = this.#takeChunk(); lines.length > 0; lines = this.#takeChunk()) {
        const chunk = this.#reserve(this.#encode(lines, false));
        this.#inFlight = chunk;
        await writeAll(this.#fd, chunk.bytes, chunk.base);
        this.#inFlight = undefined;
        // The sync drain may have written and reported it already.
        if (!chunk.stored) this.#noteStored(chunk);
      }
    } catch (error) {
      this.#inFlight = undefined;
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Hands everything queued to the OS now (the store's backpressure, see the file comment), in
   * its own buffer: the asynchronous write in flight may still be reading the scratch buffer.
   */
  #drainSync(): void {
    if (this.#error !== undefined) return;
    try {
      const inFlight = this.#inFlight;
      if (inFlight !== undefined && !inFlight.stored) {
        writeAllSync(this.#fd, inFlight.bytes, inFlight.base);
        this.#noteStored(inFlight);
      }
      for (let lines = this.#takeChunk(); lines.length > 0; lines = this.#takeChunk()) {
        const chunk = this.#reserve(this.#encode(lines, true));
        writeAllSync(this.#fd, chunk.bytes, chunk.base);
        this.#noteStored(chunk);
      }
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Gives the encoded chunk its place in the file: chunks are placed in the order taken. */
  #reserve(encoded: { bytes: Buffer; marks: number[] }): WrittenChunk {
    const base = this.#fileOffset;
    this.#fileOffset += encoded.bytes.length;
    return { bytes: encoded.bytes, marks: encoded.marks, base, stored: false };
  }

  #noteStored(chunk: WrittenChunk): void {
    chunk.stored = true;
    const store = this.#store;
    if (store === undefined) return;
    const { marks, base } = chunk;
    for (let i = 0; i < marks.length; i += 3) {
      store.noteStored(
        marks[i] ?? 0,
        this.#payloadFile,
        base + (marks[i + 1] ?? 0),
        marks[i + 2] ?? 0,
      );
    }
  }

  /**
   * The lines as UTF-8, each followed by LF, and for each store entry among them (seq > 0 and a
   * file the store reads back) the triple seq, offset in the chunk, byte length of the line.
   */
  #encode(lines: QueuedLine[], sync: boolean): { bytes: Buffer; marks: number[] } {
    let maxBytes = 0;
    for (const l of lines) maxBytes += l.line.length * 3 + 1;
    const own = sync ? this.#syncScratch : this.#scratch;
    const scratch =
      own.length < maxBytes || own.length > 4 * maxBytes + CHUNK_CHARS * 4
        ? Buffer.allocUnsafe(maxBytes)
        : own;
    if (sync) this.#syncScratch = scratch;
    else this.#scratch = scratch;
    const marks: number[] = [];
    const mark = this.#payloadFile > 0;
    let at = 0;
    for (const { line, seq } of lines) {
      const length = scratch.write(line, at, 'utf8');
      if (mark && seq > 0) marks.push(seq, at, length);
      at += length;
      scratch[at] = 0x0a;
      at += 1;
    }
    return { bytes: scratch.subarray(0, at), marks };
  }

  /** Up to about 1 MiB of lines, snapshot first; none when nothing is queued. */
  #takeChunk(): QueuedLine[] {
    if (this.#error !== undefined) return [];
    const parts: QueuedLine[] = [];
    let chars = 0;
    while (this.#snapshot !== undefined && chars < CHUNK_CHARS) {
      const next = this.#snapshot.next();
      if (next.done === true) {
        this.#snapshot = undefined;
        break;
      }
      parts.push(next.value);
      chars += next.value.line.length + 1;
    }
    if (this.#snapshot === undefined && chars < CHUNK_CHARS && this.#hasPending()) {
      // At most about 1 MiB per write, however long the backlog (a capture outrunning the disk
      // can queue hundreds of MB: one string of it could exceed V8's string length limit).
      const pending = this.#pending;
      const seqs = this.#pendingSeqs;
      let i = this.#pendingStart;
      while (i < pending.length && chars < CHUNK_CHARS) {
        const item = pending[i] ?? '';
        // Taken lines must not stay alive in the array until it is compacted or emptied.
        pending[i] = '';
        this.#pendingChars -= queuedChars(item);
        const line = typeof item === 'string' ? item : serializeEntry(item);
        parts.push({ line, seq: seqs[i] ?? 0 });
        chars += line.length + 1;
        i++;
      }
      if (i === pending.length) {
        this.#pending = [];
        this.#pendingSeqs = [];
        this.#pendingStart = 0;
      } else if (i > 65_536 && i > pending.length / 2) {
        // A backlog that never empties must not keep its written lines alive.
        this.#pending = pending.slice(i);
        this.#pendingSeqs = seqs.slice(i);
        this.#pendingStart = 0;
      } else this.#pendingStart = i;
    }
    return parts;
  }

  #fail(error: Error): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#pending = [];
    this.#pendingSeqs = [];
    this.#pendingStart = 0;
    this.#pendingChars = 0;
    this.#snapshot = undefined;
    this.#clearTimer();
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    this.#onError?.(error);
  }
}

/** Writes a whole store to a file and closes it (export, `--save` at the end). */
export async function saveNdjsonSession(
  store: SessionStore,
  path: string,
  options: Omit<NdjsonSessionWriterOptions, 'store'> = {},
): Promise<void> {
  const writer = new NdjsonSessionWriter(path, { ...options, store });
  await writer.close();
}

interface WrittenChunk {
  bytes: Buffer;
  /** Triples: seq, offset in `bytes`, byte length of the line. */
  marks: number[];
  /** Where `bytes` go in the file. */
  base: number;
  /** Written and reported to the store (by whichever drain finished it first). */
  stored: boolean;
}

/**
 * What a queued item counts toward the 1 MiB chunk: a line's length, or for an entry not yet
 * serialized an estimate (payload, base64 for bytes, plus the fields); the same both ways.
 */
function queuedChars(item: string | Entry): number {
  if (typeof item === 'string') return item.length + 1;
  const { payload } = item;
  return (
    (typeof payload === 'string' ? payload.length : Math.ceil(payload.byteLength / 3) * 4) + 256
  );
}

interface QueuedLine {
  line: string;
  /** The store entry this line is, else 0. */
  seq: number;
}

function* snapshotLines(
  store: SessionStore,
  connections: readonly Connection[],
  lastSeq: number,
): Generator<QueuedLine, void, undefined> {
  for (const connection of connections) yield { line: serializeConnection(connection), seq: 0 };
  for (const entry of store.allEntries()) {
    // Later entries arrive through the change feed.
    if (entry.seq > lastSeq) return;
    yield { line: serializeEntry(entry), seq: entry.seq };
  }
}

async function writeAll(fd: number, bytes: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await writeAsync(
      fd,
      bytes,
      offset,
      bytes.length - offset,
      position + offset,
    );
    offset += bytesWritten;
  }
}

function writeAllSync(fd: number, bytes: Buffer, position: number): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += writeSync(fd, bytes, offset, bytes.length - offset, position + offset);
  }
}

/** Makes a new file's directory entry durable too; best effort (not possible on Windows). */
async function fsyncDirectory(directory: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    await fsyncAsync(fd);
  } catch {
    // A platform without directory fsync: the file's own fsync is all we can do.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
