import type { LlmGapStats, LlmStall } from './types.ts';

/**
 * Content-delta timing of one answer, O(1) per delta: the gaps are kept in a growing typed array
 * and sorted only when figures are asked for.
 */
export class DeltaTiming {
  readonly stallMs: number;
  firstAt: number | undefined;
  lastAt: number | undefined;
  lastSeq: number | undefined;
  count = 0;
  readonly stalls: LlmStall[] = [];
  #gaps = new Float64Array(64);
  #gapCount = 0;

  constructor(stallMs: number) {
    this.stallMs = stallMs;
  }

  add(time: number, seq: number): void {
    this.count++;
    if (this.lastAt === undefined || this.lastSeq === undefined) {
      this.firstAt = time;
    } else {
      const gap = Math.max(0, time - this.lastAt);
      if (this.#gapCount === this.#gaps.length) {
        const grown = new Float64Array(this.#gaps.length * 2);
        grown.set(this.#gaps);
        this.#gaps = grown;
      }
      this.#gaps[this.#gapCount++] = gap;
      if (gap > this.stallMs) this.stalls.push({ seq, afterSeq: this.lastSeq, gapMs: round(gap) });
    }
    this.lastAt = time;
    this.lastSeq = seq;
  }

  gapStats(): LlmGapStats | undefined {
    if (this.#gapCount === 0) return undefined;
    const sorted = this.#gaps.slice(0, this.#gapCount).sort();
    return {
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      max: round(sorted[sorted.length - 1] ?? 0),
    };
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? 0;
}

/** Figures to 0.1 ms: sub-ms noise is not information here. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
