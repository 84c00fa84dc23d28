/**
 * Per-connection counts and rates, folded in as rows are ingested: totals, and one bucket per
 * second for the last two minutes (messages, bytes, heartbeats) for the rate chart. Listeners are
 * told at most four times a second: the list and the chart need no more.
 */
import type { EntryKind } from '../../../shared/model/entry.ts';
import type { EntryRow } from '../../../shared/model/wire.ts';

export const RATE_WINDOW_SECONDS = 120;

export interface ConnectionCounts {
  messages: number;
  bytes: number;
  /** Per-second buckets, indexed by epoch second modulo the window. */
  messagesPerSecond: Float64Array;
  bytesPerSecond: Float64Array;
  heartbeatsPerSecond: Float64Array;
  /** Epoch second each bucket belongs to (stale buckets read as zero). */
  bucketSecond: Float64Array;
}

const heartbeatKinds = new Set<EntryKind>(['ping', 'pong', 'comment']);
const messageKinds = new Set<EntryKind>(['text', 'binary', 'event']);

export class ConnectionStats {
  #byConnection = new Map<string, ConnectionCounts>();
  #version = 0;
  #listeners = new Set<() => void>();
  #lastNotify = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #now: () => number;

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  add(rows: readonly EntryRow[]): void {
    for (const row of rows) {
      const counts = this.#counts(row.connectionId);
      const second = Math.floor(row.time / 1000);
      const slot = second % RATE_WINDOW_SECONDS;
      if (counts.bucketSecond[slot] !== second) {
        counts.bucketSecond[slot] = second;
        counts.messagesPerSecond[slot] = 0;
        counts.bytesPerSecond[slot] = 0;
        counts.heartbeatsPerSecond[slot] = 0;
      }
      if (heartbeatKinds.has(row.kind))
        counts.heartbeatsPerSecond[slot] = (counts.heartbeatsPerSecond[slot] ?? 0) + 1;
      if (messageKinds.has(row.kind)) {
        counts.messages++;
        counts.messagesPerSecond[slot] = (counts.messagesPerSecond[slot] ?? 0) + 1;
      }
      counts.bytes += row.wireSize;
      counts.bytesPerSecond[slot] = (counts.bytesPerSecond[slot] ?? 0) + row.wireSize;
    }
    if (rows.length > 0) this.#notifySoon();
  }

  get(connectionId: string): ConnectionCounts | undefined {
    return this.#byConnection.get(connectionId);
  }

  /** Messages and bytes in one whole second (epoch seconds), 0 when nothing arrived. */
  at(
    connectionId: string,
    second: number,
  ): { messages: number; bytes: number; heartbeats: number } {
    const counts = this.#byConnection.get(connectionId);
    const slot = second % RATE_WINDOW_SECONDS;
    if (!counts || counts.bucketSecond[slot] !== second)
      return { messages: 0, bytes: 0, heartbeats: 0 };
    return {
      messages: counts.messagesPerSecond[slot] ?? 0,
      bytes: counts.bytesPerSecond[slot] ?? 0,
      heartbeats: counts.heartbeatsPerSecond[slot] ?? 0,
    };
  }

  /** The rate over the last whole second. */
  rate(connectionId: string): { messages: number; bytes: number } {
    const { messages, bytes } = this.at(connectionId, Math.floor(this.#now() / 1000) - 1);
    return { messages, bytes };
  }

  ids(): string[] {
    return [...this.#byConnection.keys()];
  }

  clear(): void {
    this.#byConnection.clear();
    this.#notifySoon();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  #counts(connectionId: string): ConnectionCounts {
    let counts = this.#byConnection.get(connectionId);
    if (!counts) {
      counts = {
        messages: 0,
        bytes: 0,
        messagesPerSecond: new Float64Array(RATE_WINDOW_SECONDS),
        bytesPerSecond: new Float64Array(RATE_WINDOW_SECONDS),
        heartbeatsPerSecond: new Float64Array(RATE_WINDOW_SECONDS),
        bucketSecond: new Float64Array(RATE_WINDOW_SECONDS).fill(-1),
      };
      this.#byConnection.set(connectionId, counts);
    }
    return counts;
  }

  #notifySoon(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, 250 - (this.#now() - this.#lastNotify));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastNotify = this.#now();
      this.#version++;
      for (const listener of this.#listeners) listener();
    }, wait);
  }
}
