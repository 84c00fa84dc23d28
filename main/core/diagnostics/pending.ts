/**
 * Requests of an application protocol still waiting for their answer, oldest first. O(1) per
 * request and answer; reading the overdue ones costs what is overdue. Memory is bounded: past
 * `maxWaiting`, the oldest are let go and counted as unanswered (they are the most overdue).
 */
import { maxEvidenceSeqs } from './types.ts';

export interface Waiting<T> {
  seq: number;
  time: number;
  connectionId: string;
  data: T;
}

/** Requests kept waiting per tracker before the oldest are let go. */
export const maxWaiting = 50_000;

export class Pending<T> {
  readonly #waiting = new Map<string, Waiting<T>>();
  /** Let go past `maxWaiting`, never answered as far as we know. */
  #dropped = 0;
  #firstDropped: Waiting<T> | undefined;

  get size(): number {
    return this.#waiting.size;
  }

  /** A request under `key`; a key reused while waiting replaces the older one (it is answered). */
  add(key: string, request: Waiting<T>): void {
    this.#waiting.delete(key);
    this.#waiting.set(key, request);
    if (this.#waiting.size <= maxWaiting) return;
    for (const [oldest, waiting] of this.#waiting) {
      this.#waiting.delete(oldest);
      this.#dropped++;
      this.#firstDropped ??= waiting;
      break;
    }
  }

  /** The request answered under `key`, no longer waiting. */
  take(key: string): Waiting<T> | undefined {
    const waiting = this.#waiting.get(key);
    if (waiting !== undefined) this.#waiting.delete(key);
    return waiting;
  }

  get(key: string): Waiting<T> | undefined {
    return this.#waiting.get(key);
  }

  /**
   * Requests sent before `cutoff` (every one for Infinity) still waiting: how many, and the
   * oldest few as examples; `each` sees every one of them (those let go excepted).
   */
  overdue(
    cutoff: number,
    each?: (waiting: Waiting<T>) => void,
  ): { count: number; examples: Waiting<T>[] } {
    const examples: Waiting<T>[] = [];
    let count = this.#dropped;
    if (this.#firstDropped !== undefined) examples.push(this.#firstDropped);
    for (const waiting of this.#waiting.values()) {
      // Insertion order is time order, give or take connections of one channel interleaving.
      if (waiting.time >= cutoff) break;
      count++;
      each?.(waiting);
      if (examples.length < maxEvidenceSeqs) examples.push(waiting);
    }
    return { count, examples };
  }

  /** Every request still waiting, oldest first. */
  values(): IterableIterator<Waiting<T>> {
    return this.#waiting.values();
  }
}
