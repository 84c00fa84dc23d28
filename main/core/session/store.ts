import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry, NewEntry } from '../../../shared/model/entry.ts';
import { ChangeFeed, type ChangeFeedOptions, type StoreListener } from './change-feed.ts';
import { ConnectionIndex } from './connection-index.ts';
import { FrameInterner } from './frame-interner.ts';

export type { StoreBatch, StoreListener } from './change-feed.ts';

export interface SessionStoreOptions {
  /** Change feed coalescing window in ms (default 16). */
  batchIntervalMs?: number;
  /** Receives errors thrown by listeners (default: printed to stderr). */
  onListenerError?: ChangeFeedOptions['onListenerError'];
}

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

  constructor(options: SessionStoreOptions = {}) {
    const feedOptions: ChangeFeedOptions = {};
    if (options.batchIntervalMs !== undefined) feedOptions.intervalMs = options.batchIntervalMs;
    if (options.onListenerError !== undefined) {
      feedOptions.onListenerError = options.onListenerError;
    }
    this.#feed = new ChangeFeed((id) => this.#connections.get(id), feedOptions);
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
    return this.#insert(this.#lastSeq + 1, entry);
  }

  /** Stores an entry with the seq it already has (import); seqs must increase. */
  appendWithSeq(entry: Entry): Entry {
    const { seq } = entry;
    if (!Number.isInteger(seq) || seq <= this.#lastSeq || seq > MAX_SEQ) {
      throw new RangeError(
        `SessionStore.appendWithSeq: seq ${seq} must be an integer above ${this.#lastSeq} and at most ${MAX_SEQ}`,
      );
    }
    return this.#insert(seq, entry);
  }

  get(seq: number): Entry | undefined {
    const entries = this.#entries;
    const first = entries[0];
    if (first === undefined) return undefined;
    // Dense seqs (the usual case) make this a direct lookup; imported files may have gaps.
    const direct = entries[seq - first.seq];
    if (direct?.seq === seq) return direct;
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const candidate = entries[mid];
      if (candidate === undefined) return undefined;
      if (candidate.seq === seq) return candidate;
      if (candidate.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Number of entries of one connection. */
  countOf(connectionId: string): number {
    return this.#indexes.get(connectionId)?.count ?? 0;
  }

  /** The i-th entry (0-based) of one connection. */
  entryOf(connectionId: string, i: number): Entry | undefined {
    const position = this.#indexes.get(connectionId)?.at(i) ?? -1;
    return position < 0 ? undefined : this.#entries[position];
  }

  /** One connection's entries in seq order, from the `start`-th (0-based) to before `end`. */
  *entriesOf(connectionId: string, start = 0, end = Infinity): Generator<Entry, void, undefined> {
    const index = this.#indexes.get(connectionId);
    if (index === undefined) return;
    const stop = Math.min(end, index.count);
    for (let i = Math.max(0, start); i < stop; i++) {
      const entry = this.#entries[index.at(i)];
      if (entry !== undefined) yield entry;
    }
  }

  /** Every entry in seq order, optionally only those with seq >= `fromSeq`. */
  *allEntries(fromSeq = 1): Generator<Entry, void, undefined> {
    const entries = this.#entries;
    let i = fromSeq <= 1 ? 0 : this.#firstPositionAtOrAfter(fromSeq);
    for (; i < entries.length; i++) {
      const entry = entries[i];
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

  #insert(seq: number, e: NewEntry): Entry {
    // One literal, one property order: every entry gets the same hidden class.
    const entry: Entry = {
      seq,
      connectionId: e.connectionId,
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
    this.#entries.push(entry);
    this.#lastSeq = seq;
    let index = this.#indexes.get(entry.connectionId);
    if (index === undefined) {
      index = new ConnectionIndex();
      this.#indexes.set(entry.connectionId, index);
    }
    index.push(position);
    this.#feed.entryAdded(entry);
    return entry;
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
