/**
 * Coalesces the core's entry batches and hands them to the row buffer once per animation frame,
 * so a flood of 20,000 entries a second costs the page one append and one render per frame.
 */
import type { EntryRow } from '../../../shared/model/wire.ts';

export type FrameScheduler = (callback: () => void) => void;

export const animationFrame: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') {
    // A hidden tab gets no frames; a timeout keeps ingest (and memory) moving there too.
    let done = false;
    const run = (): void => {
      if (done) return;
      done = true;
      callback();
    };
    requestAnimationFrame(run);
    setTimeout(run, 250);
  } else setTimeout(callback, 16);
};

export class IngestQueue {
  #pending: EntryRow[][] = [];
  #scheduled = false;
  readonly #schedule: FrameScheduler;
  readonly #flush: (rows: EntryRow[]) => void;

  constructor(flush: (rows: EntryRow[]) => void, schedule: FrameScheduler = animationFrame) {
    this.#flush = flush;
    this.#schedule = schedule;
  }

  push(rows: EntryRow[]): void {
    if (rows.length === 0) return;
    this.#pending.push(rows);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.flushNow();
    });
  }

  /** Runs the pending batches now (tests, and before a reset drops them). */
  flushNow(): void {
    this.#scheduled = false;
    const batches = this.#pending;
    this.#pending = [];
    if (batches.length === 0) return;
    this.#flush(batches.length === 1 ? (batches[0] ?? []) : batches.flat());
  }

  drop(): void {
    this.#pending = [];
  }
}
