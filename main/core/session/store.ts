import type { Connection } from '../../../shared/model/connection.ts';
import { resolve } from 'node:path';
import type { Entry, NewEntry, Payload } from '../../../shared/model/entry.ts';
import { ChangeFeed, type ChangeFeedOptions, type StoreListener } from './change-feed.ts';
import { ConnectionIndex } from './connection-index.ts';
import { FrameInterner } from './frame-interner.ts';
import { closeFd, LoadFailure, PayloadFile, payloadOfLine } from './payload-file.ts';
import { PayloadLocations } from './payload-locations.ts';

export type { StoreBatch, StoreListener } from './change-feed.ts';

export interface SessionStoreOptions {
  /** Change feed coalescing window in ms (default 16). */
  batchIntervalMs?: number;
  /** Receives errors thrown by listeners (default: printed to stderr). */
  onListenerError?: ChangeFeedOptions['onListenerError'];
  /**
   * Payload bytes (string length or byte length) kept in memory for entries whose line is
   * already in a session file (default 256 MiB). Past it, the oldest such payloads are dropped
   * from memory and read back from the file when asked for. Entries in no file (no journal, or
   * not yet flushed) always keep their payload.
   */
  payloadBudget?: number;
}

/** Where an entry's line is: `file` is an id from `SessionStore.payloadFile`. */
export interface StoredAt {
  file: number;
  offset: number;
  length: number;
  /**
   * False: the caller knows this payload would be evicted before long (opening a file, entries
   * with well over a budget of payload after them), so the store keeps only the stub at once
   * when every earlier payload is evicted already. Keeping it would only promote it to the old
   * generation to die there: a 1 GB file would churn 1 GB through the old heap. Default true.
   */
  keepPayload?: boolean;
}

export interface PayloadMemoryStats {
  budget: number;
  /** Payload bytes held by entries whose payload is in memory (evicted ones not counted). */
  residentBytes: number;
  /** Entries whose payload is only in a file. */
  evictedEntries: number;
  /** Read-backs that failed (file changed or gone); those entries came back with a note. */
  failedLoads: number;
  /**
   * Payload bytes of entries whose line is in no file yet (included in `residentBytes`): they
   * cannot be evicted until a writer has handed their line to the OS.
   */
  unstoredBytes: number;
}

export const DEFAULT_PAYLOAD_BUDGET = 256 * 1024 * 1024;

/**
 * Over budget, payloads not yet in a file may exceed it by this much before the store makes its
 * backlog drains (journal writers) write them out synchronously: a capture that outruns the disk
 * then waits for it, and memory stays within budget + this.
 */
export const BACKLOG_DRAIN_BYTES = 1024 * 1024;

/**
 * Within budget too, a journal may not lag behind the capture by more than this: it is what a
 * kill -9 would lose, and the writer is meant to be at most about 100 ms behind.
 */
export const MAX_UNWRITTEN_BYTES = 16 * 1024 * 1024;

/** Sequential scans read this much of the file at once, not one line per system call. */
const READ_AHEAD_BYTES = 256 * 1024;

/** Files are closed when their store is collected (a replaced session is simply dropped). */
const fileCloser = new FinalizationRegistry<PayloadFile[]>((files) => {
  for (const file of files) {
    const fd = file.fd;
    if (fd !== undefined) closeFd(fd);
  }
});

/** Seqs are kept in Uint32Arrays by readers of the store (renderer rows, filter results). */
const MAX_SEQ = 0xffff_ffff;

/**
 * Every connection and entry of a session, in memory. Entries are append-only and ordered by
 * `seq`; connections are replaced (never mutated) on update, so an object a listener holds is a
 * consistent snapshot.
 *
 * Ownership: `append` copies the entry into a fixed-shape object (absent optional fields are
 * present as `undefined`, so all entries share one hidden class) and shares identical frame
 * details between entries; the nested `close`, `sse` and `notes` objects and the payload are
 * kept by reference and must not be mutated afterwards.
 */
export class SessionStore {
  readonly #entries: Entry[] = [];
  readonly #connections = new Map<string, Connection>();
  readonly #indexes = new Map<string, ConnectionIndex>();
  readonly #frames = new FrameInterner();
  readonly #feed: ChangeFeed;
  #lastSeq = 0;
  // Payload eviction: positions before #evictCursor hold stubs (payload ''), their payloads in
  // a file. Eviction walks forward from the oldest entry and stops at the first one in no file,
  // so an entry that has not been flushed is never evicted.
  readonly #budget: number;
  readonly #locations = new PayloadLocations();
  readonly #files: PayloadFile[] = [];
  #resident = 0;
  /** Payload bytes of entries in no file yet (never evictable until a writer stores them). */
  #unstored = 0;
  readonly #backlogDrains = new Set<() => void>();
  #drainingBacklog = false;
  #evictCursor = 0;
  #failedLoads = 0;
  #window: { file: number; start: number; bytes: Buffer } | undefined;

  constructor(options: SessionStoreOptions = {}) {
    const feedOptions: ChangeFeedOptions = {};
    if (options.batchIntervalMs !== undefined) feedOptions.intervalMs = options.batchIntervalMs;
    if (options.onListenerError !== undefined) {
      feedOptions.onListenerError = options.onListenerError;
    }
    this.#feed = new ChangeFeed((id) => this.#connections.get(id), feedOptions);
    const budget = options.payloadBudget ?? DEFAULT_PAYLOAD_BUDGET;
    if (!(budget >= 0)) throw new RangeError(`payloadBudget must be >= 0, got ${budget}`);
    this.#budget = budget;
    fileCloser.register(this, this.#files);
  }

  // ── connections ────────────────────────────────────────────────────────────

  addConnection(connection: Connection): void {
    if (this.#connections.has(connection.id)) {
      throw new Error(`SessionStore.addConnection: connection "${connection.id}" already exists`);
    }
    this.#connections.set(connection.id, { ...connection });
    this.#feed.connectionChanged(connection.id);
  }

  /** Merges `patch` into the connection and returns its new state. `id` cannot change. */
  updateConnection(id: string, patch: Partial<Connection>): Connection {
    const current = this.#connections.get(id);
    if (current === undefined) {
      throw new Error(`SessionStore.updateConnection: unknown connection "${id}"`);
    }
    if (patch.id !== undefined && patch.id !== id) {
      throw new Error(`SessionStore.updateConnection: cannot change id "${id}" to "${patch.id}"`);
    }
    const next: Connection = { ...current, ...patch, id };
    this.#connections.set(id, next);
    this.#feed.connectionChanged(id);
    return next;
  }

  getConnection(id: string): Connection | undefined {
    return this.#connections.get(id);
  }

  /** All connections in the order they were added. */
  connections(): readonly Connection[] {
    return [...this.#connections.values()];
  }

  // ── entries ────────────────────────────────────────────────────────────────

  /** Number of entries. */
  get size(): number {
    return this.#entries.length;
  }

  /** The highest seq so far (0 when empty). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Gives the entry the next seq (starting at 1) and stores it. */
  append(entry: NewEntry): Entry {
    return this.#insert(this.#lastSeq + 1, entry, undefined);
  }

  /**
   * Stores an entry with the seq it already has (import); seqs must increase. `stored`: the
   * entry's line is already in a session file (opening one), so its payload may be evicted.
   */
  appendWithSeq(entry: Entry, stored?: StoredAt): Entry {
    const { seq } = entry;
    if (!Number.isInteger(seq) || seq <= this.#lastSeq || seq > MAX_SEQ) {
      throw new RangeError(
        `SessionStore.appendWithSeq: seq ${seq} must be an integer above ${this.#lastSeq} and at most ${MAX_SEQ}`,
      );
    }
    return this.#insert(seq, entry, stored);
  }

  // ── payload files (eviction) ───────────────────────────────────────────────

  /**
   * Registers a session file that entries' lines are (or will be) in, and returns its id for
   * `noteStored` and `appendWithSeq`. The same path gives the same id. Returns 0 when the file
   * cannot be opened for reading: then nothing stored there is evicted.
   */
  payloadFile(path: string): number {
    const full = resolve(path);
    const known = this.#files.findIndex((f) => f.path === full);
    if (known >= 0) return known + 1;
    if (this.#files.length >= 255) return 0;
    try {
      this.#files.push(new PayloadFile(full));
    } catch {
      return 0;
    }
    return this.#files.length;
  }

  /** Whether payloads may be read back from `path` (writing over it would lose them). */
  readsFrom(path: string): boolean {
    const full = resolve(path);
    return this.#files.some((f) => f.path === full);
  }

  /**
   * Entry `seq`'s line has reached the OS in file `file` (an id from `payloadFile`): from now on
   * its payload may be evicted and read back from there. A later call (a new journal copying an
   * opened file) moves it. Unknown seqs and file 0 are ignored.
   */
  noteStored(seq: number, file: number, offset: number, length: number): void {
    if (file <= 0 || file > this.#files.length) return;
    const position = this.#positionOf(seq);
    if (position < 0) return;
    if (this.#locations.fileOf(position) === 0) {
      // Not evicted yet (only stored entries are), so this is the payload it was charged for.
      const entry = this.#entries[position];
      if (entry !== undefined) this.#unstored -= payloadBytes(entry.payload);
    }
    this.#locations.set(position, file, offset, length);
    if (position === this.#evictCursor) this.#evict();
  }

  /**
   * Registers a journal writer's synchronous drain: when more than `BACKLOG_DRAIN_BYTES` of
   * payload is waiting for a file and the store is over its payload budget (or more than
   * `MAX_UNWRITTEN_BYTES` waits), the store delivers its pending change batch and calls `drain`, which must hand every queued line to the OS and
   * `noteStored` them before returning. This is the store's backpressure: an append that would
   * grow memory past the budget waits for the disk instead, whatever the capture path does.
   * Returns the unregister function.
   */
  addBacklogDrain(drain: () => void): () => void {
    this.#backlogDrains.add(drain);
    return () => {
      this.#backlogDrains.delete(drain);
    };
  }

  memoryStats(): PayloadMemoryStats {
    return {
      budget: this.#budget,
      residentBytes: this.#resident,
      evictedEntries: this.#evictCursor,
      failedLoads: this.#failedLoads,
      unstoredBytes: this.#unstored,
    };
  }

  /**
   * Closes the payload files now rather than when the store is collected. Evicted entries then
   * come back with an empty payload and a `payload-unavailable` note: call it only on a store
   * that is being discarded.
   */
  closePayloadFiles(): void {
    for (const file of this.#files) file.close();
    this.#window = undefined;
  }

  /**
   * The full entry. An evicted payload is read back from its file synchronously (one pread of
   * the entry's line); the object returned is then a fresh copy, not the store's own. Use
   * `getAsync` where blocking the event loop on the disk matters.
   */
  get(seq: number): Entry | undefined {
    const position = this.#positionOf(seq);
    return position < 0 ? undefined : this.#full(position, false);
  }

  /** Like `get`, reading an evicted payload back without blocking the event loop. */
  async getAsync(seq: number): Promise<Entry | undefined> {
    const position = this.#positionOf(seq);
    if (position < 0) return undefined;
    const entry = this.#entries[position];
    if (entry === undefined || position >= this.#evictCursor) return entry;
    const file = this.#files[this.#locations.fileOf(position) - 1];
    if (file === undefined) return this.#unavailable(entry, 'its file is unknown');
    const bytes = await file.read(
      this.#locations.offsetOf(position),
      this.#locations.lengthOf(position),
    );
    if (typeof bytes === 'string') return this.#unavailable(entry, bytes);
    return this.#withLoaded(entry, payloadOfLine(bytes, 0, bytes.length, entry.seq));
  }

  /** Number of entries of one connection. */
  countOf(connectionId: string): number {
    return this.#indexes.get(connectionId)?.count ?? 0;
  }

  /** The i-th entry (0-based) of one connection. */
  entryOf(connectionId: string, i: number): Entry | undefined {
    const position = this.#indexes.get(connectionId)?.at(i) ?? -1;
    return position < 0 ? undefined : this.#full(position, false);
  }

  /** One connection's entries in seq order, from the `start`-th (0-based) to before `end`. */
  *entriesOf(connectionId: string, start = 0, end = Infinity): Generator<Entry, void, undefined> {
    const index = this.#indexes.get(connectionId);
    if (index === undefined) return;
    const stop = Math.min(end, index.count);
    for (let i = Math.max(0, start); i < stop; i++) {
      const entry = this.#full(index.at(i), true);
      if (entry !== undefined) yield entry;
    }
  }

  /** Every entry in seq order, optionally only those with seq >= `fromSeq`. */
  *allEntries(fromSeq = 1): Generator<Entry, void, undefined> {
    const entries = this.#entries;
    let i = fromSeq <= 1 ? 0 : this.#firstPositionAtOrAfter(fromSeq);
    for (; i < entries.length; i++) {
      const entry = this.#full(i, true);
      if (entry !== undefined) yield entry;
    }
  }

  // ── change feed ────────────────────────────────────────────────────────────

  /**
   * Batched changes made after this call. Listeners that throw are reported and do not stop
   * the others. Returns the unsubscribe function.
   */
  subscribe(listener: StoreListener): () => void {
    return this.#feed.subscribe(listener);
  }

  /** Delivers pending changes synchronously (shutdown, tests). */
  flush(): void {
    this.#feed.flush();
  }

  /** Stops the feed's timer and forgets listeners; the data stays readable. */
  dispose(): void {
    this.#feed.dispose();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #insert(seq: number, e: NewEntry, stored: StoredAt | undefined): Entry {
    let index = this.#indexes.get(e.connectionId);
    if (index === undefined) {
      index = new ConnectionIndex(e.connectionId);
      this.#indexes.set(e.connectionId, index);
    }
    // One literal, one property order: every entry gets the same hidden class.
    const entry: Entry = {
      seq,
      connectionId: index.id,
      time: e.time,
      direction: e.direction,
      kind: e.kind,
      payload: e.payload,
      payloadSize: e.payloadSize,
      wireSize: e.wireSize,
      frame: e.frame === undefined ? undefined : this.#frames.intern(e.frame),
      close: e.close,
      sse: e.sse,
      lifecycle: e.lifecycle,
      notes: e.notes,
      intervention: e.intervention,
    };
    const position = this.#entries.length;
    this.#lastSeq = seq;
    index.push(position);
    if (stored?.keepPayload === false && position === this.#evictCursor) {
      // Stored evicted from the start; the caller and the feed get the full entry, as they
      // would have before a later eviction.
      this.#entries.push(withPayload(entry, ''));
      this.#locations.set(position, stored.file, stored.offset, stored.length);
      this.#evictCursor = position + 1;
      this.#feed.entryAdded(entry);
      return entry;
    }
    this.#entries.push(entry);
    const bytes = payloadBytes(entry.payload);
    this.#resident += bytes;
    if (stored === undefined) this.#unstored += bytes;
    else this.#locations.set(position, stored.file, stored.offset, stored.length);
    this.#feed.entryAdded(entry);
    if (this.#resident > this.#budget) this.#evict();
    if (
      this.#unstored > BACKLOG_DRAIN_BYTES &&
      (this.#resident > this.#budget || this.#unstored > MAX_UNWRITTEN_BYTES)
    ) {
      this.#drainBacklog();
    }
    return entry;
  }

  /** Writes the unstored entries out now (see addBacklogDrain); eviction follows noteStored. */
  #drainBacklog(): void {
    if (this.#drainingBacklog || this.#backlogDrains.size === 0) return;
    this.#drainingBacklog = true;
    try {
      // The writers learn of entries through the feed: give them the pending batch first.
      this.#feed.flush();
      for (const drain of [...this.#backlogDrains]) drain();
    } finally {
      this.#drainingBacklog = false;
    }
    this.#evict();
  }

  /** Drops the oldest stored payloads until within budget; stops at the first unstored entry. */
  #evict(): void {
    const entries = this.#entries;
    while (this.#resident > this.#budget && this.#evictCursor < entries.length) {
      const position = this.#evictCursor;
      if (this.#locations.fileOf(position) === 0) return;
      const entry = entries[position];
      if (entry !== undefined) {
        this.#resident -= payloadBytes(entry.payload);
        // A new stub, not a mutation: objects already handed out keep their payload.
        entries[position] = withPayload(entry, '');
      }
      this.#evictCursor = position + 1;
    }
  }

  #positionOf(seq: number): number {
    const entries = this.#entries;
    const first = entries[0];
    if (first === undefined) return -1;
    // Dense seqs (the usual case) make this a direct lookup; imported files may have gaps.
    const guess = seq - first.seq;
    if (entries[guess]?.seq === seq) return guess;
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const candidate = entries[mid];
      if (candidate === undefined) return -1;
      if (candidate.seq === seq) return mid;
      if (candidate.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The entry at `position` with its payload (read back when evicted). */
  #full(position: number, sequential: boolean): Entry | undefined {
    const entry = this.#entries[position];
    if (entry === undefined || position >= this.#evictCursor) return entry;
    const fileId = this.#locations.fileOf(position);
    const file = this.#files[fileId - 1];
    if (file === undefined) return this.#unavailable(entry, 'its file is unknown');
    const offset = this.#locations.offsetOf(position);
    const length = this.#locations.lengthOf(position);
    if (!sequential) {
      const bytes = file.readSync(offset, length);
      if (typeof bytes === 'string') return this.#unavailable(entry, bytes);
      return this.#withLoaded(entry, payloadOfLine(bytes, 0, length, entry.seq));
    }
    let w = this.#window;
    if (w?.file !== fileId || offset < w.start || offset + length > w.start + w.bytes.length) {
      const bytes = file.readUpTo(offset, Math.max(length, READ_AHEAD_BYTES));
      if (typeof bytes === 'string') return this.#unavailable(entry, bytes);
      if (bytes.length < length) {
        return this.#unavailable(entry, `the file ends before byte ${offset + length}`);
      }
      w = { file: fileId, start: offset, bytes };
      this.#window = w;
    }
    const at = offset - w.start;
    return this.#withLoaded(entry, payloadOfLine(w.bytes, at, at + length, entry.seq));
  }

  #withLoaded(entry: Entry, loaded: Payload | LoadFailure): Entry {
    if (loaded instanceof LoadFailure) return this.#unavailable(entry, loaded.reason);
    return withPayload(entry, loaded);
  }

  /** Never throws: the entry comes back with an empty payload and a note saying why. */
  #unavailable(entry: Entry, reason: string): Entry {
    this.#failedLoads += 1;
    const copy = withPayload(entry, entry.kind === 'binary' ? new Uint8Array(0) : '');
    copy.notes = [
      ...(entry.notes ?? []),
      {
        code: 'payload-unavailable',
        message: `the payload could not be read back from the session file: ${reason}`,
      },
    ];
    return copy;
  }

  #firstPositionAtOrAfter(seq: number): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const candidate = this.#entries[mid];
      if (candidate !== undefined && candidate.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Memory a payload is charged against the budget: string length (one byte per char for the
 * Latin-1 strings V8 mostly keeps) or byte length. */
function payloadBytes(payload: Payload): number {
  return typeof payload === 'string' ? payload.length : payload.byteLength;
}

/** Same literal, same property order as `#insert`: one hidden class for all entries. */
function withPayload(e: Entry, payload: Payload): Entry {
  return {
    seq: e.seq,
    connectionId: e.connectionId,
    time: e.time,
    direction: e.direction,
    kind: e.kind,
    payload,
    payloadSize: e.payloadSize,
    wireSize: e.wireSize,
    frame: e.frame,
    close: e.close,
    sse: e.sse,
    lifecycle: e.lifecycle,
    notes: e.notes,
    intervention: e.intervention,
  };
}
