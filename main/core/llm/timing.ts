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
  #sorted = new Float64Array(0);
  #sortedCount = 0;

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

  /**
   * Percentiles over every gap. Live readers ask after each batch: the gaps sorted so far are
   * kept, and only the new ones are sorted and merged in (O(n) per read, not O(n log n)).
   */
  gapStats(): LlmGapStats | undefined {
    if (this.#gapCount === 0) return undefined;
    if (this.#sortedCount < this.#gapCount) {
      const fresh = this.#gaps.slice(this.#sortedCount, this.#gapCount).sort();
      this.#sorted = merge(this.#sorted.subarray(0, this.#sortedCount), fresh);
      this.#sortedCount = this.#gapCount;
    }
    const sorted = this.#sorted.subarray(0, this.#sortedCount);
    return {
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      max: round(sorted[sorted.length - 1] ?? 0),
    };
  }
}

function merge(a: Float64Array, b: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x <= y) {
      out[k++] = x;
      i++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++] ?? 0;
  while (j < b.length) out[k++] = b[j++] ?? 0;
  return out;
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
