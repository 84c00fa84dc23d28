import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';

/**
 * What changed since the previous batch. Apply `connections` before `entries`: every entry's
 * connection has been announced by then (in this batch or an earlier one).
 */
export interface StoreBatch {
  /** New entries in `seq` order. */
  entries: Entry[];
  /** Connections added or updated, each once, in its latest state. */
  connections: Connection[];
}

export type StoreListener = (batch: StoreBatch) => void;

export interface ChangeFeedOptions {
  /** Coalescing window; about one animation frame by default. */
  intervalMs?: number;
  /** Where a throwing listener's error goes (the other listeners still run). */
  onListenerError?: (error: unknown) => void;
}

const DEFAULT_INTERVAL_MS = 16;

/**
 * Coalesces store changes into batches delivered on an unref'd timer, so a busy connection costs
 * one listener call per window rather than one per frame, and a quiet store keeps nothing alive.
 */
export class ChangeFeed {
  readonly #listeners = new Set<StoreListener>();
  readonly #intervalMs: number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #resolveConnection: (id: string) => Connection | undefined;
  #entries: Entry[] = [];
  /** Insertion-ordered ids; the latest state is looked up at delivery. */
  #connectionIds = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    resolveConnection: (id: string) => Connection | undefined,
    options: ChangeFeedOptions = {},
  ) {
    this.#resolveConnection = resolveConnection;
    this.#intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    if (!(this.#intervalMs >= 0) || !Number.isFinite(this.#intervalMs)) {
      throw new RangeError(`batch interval must be a finite number >= 0, got ${this.#intervalMs}`);
    }
    this.#onListenerError = options.onListenerError ?? defaultListenerError;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  subscribe(listener: StoreListener): () => void {
    // A new listener sees only what happens after it subscribed: pending changes go to the
    // listeners that were there when they happened.
    this.flush();
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  entryAdded(entry: Entry): void {
    if (this.#listeners.size === 0) return;
    this.#entries.push(entry);
    this.#schedule();
  }

  connectionChanged(id: string): void {
    if (this.#listeners.size === 0) return;
    this.#connectionIds.add(id);
    this.#schedule();
  }

  /** Delivers pending changes now (shutdown, tests). */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#entries.length === 0 && this.#connectionIds.size === 0) return;
    const connections: Connection[] = [];
    for (const id of this.#connectionIds) {
      const connection = this.#resolveConnection(id);
      if (connection !== undefined) connections.push(connection);
    }
    const batch: StoreBatch = { entries: this.#entries, connections };
    this.#entries = [];
    this.#connectionIds = new Set();
    // A snapshot: a listener may unsubscribe (itself or another) while we deliver.
    for (const listener of [...this.#listeners]) {
      try {
        listener(batch);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  /** Stops the timer and drops pending changes (the store is being discarded). */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#entries = [];
    this.#connectionIds = new Set();
    this.#listeners.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#intervalMs);
    this.#timer.unref();
  }
}

function defaultListenerError(error: unknown): void {
  console.error('telltale: a session store listener threw:', error);
}
