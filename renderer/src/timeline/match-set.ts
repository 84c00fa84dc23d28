/**
 * The rows a filter matches, as the core reported them (seqs, ascending), resolved to row-buffer
 * indices as those rows arrive. Hide mode shows `indices`; highlight mode shows every row and
 * marks the ones in `bitmap`.
 */
import type { RowBuffer } from './row-buffer.ts';

export class MatchSet {
  #seqs: number[] = [];
  #indices = new Int32Array(1024);
  #resolved = 0;
  #bitmap = new Uint8Array(1024);

  /** Matches the core reported in all (some may not have reached the buffer yet). */
  get total(): number {
    return this.#seqs.length;
  }

  /** Matches whose rows the buffer holds: the length of the filtered timeline. */
  get length(): number {
    return this.#resolved;
  }

  get lastSeq(): number {
    return this.#seqs.at(-1) ?? 0;
  }

  indexAt(position: number): number {
    return this.#indices[position] ?? -1;
  }

  has(bufferIndex: number): boolean {
    return this.#bitmap[bufferIndex] === 1;
  }

  /** Position in the filtered list of a buffer index, or -1. */
  positionOf(bufferIndex: number): number {
    let lo = 0;
    let hi = this.#resolved;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#indices[mid] ?? 0) < bufferIndex) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.#resolved && this.#indices[lo] === bufferIndex ? lo : -1;
  }

  /** Adds seqs (ascending); seqs at or below the last held one are ignored (query overlap). */
  add(seqs: readonly number[]): void {
    let last = this.lastSeq;
    for (const seq of seqs) {
      if (seq <= last) continue;
      this.#seqs.push(seq);
      last = seq;
    }
  }

  /** Maps newly held seqs to buffer indices; returns true when the list grew. */
  resolve(buffer: RowBuffer): boolean {
    const start = this.#resolved;
    while (this.#resolved < this.#seqs.length) {
      const seq = this.#seqs[this.#resolved] ?? 0;
      if (seq > buffer.lastSeq) break;
      const index = buffer.indexOfSeq(seq);
      if (index < 0) {
        // A row the buffer never held (dropped before a reset): skip it rather than stall.
        this.#seqs.splice(this.#resolved, 1);
        continue;
      }
      if (this.#resolved >= this.#indices.length) {
        const grown = new Int32Array(this.#indices.length * 2);
        grown.set(this.#indices);
        this.#indices = grown;
      }
      this.#indices[this.#resolved++] = index;
      if (index >= this.#bitmap.length) {
        const grown = new Uint8Array(Math.max(index + 1, this.#bitmap.length * 2));
        grown.set(this.#bitmap);
        this.#bitmap = grown;
      }
      this.#bitmap[index] = 1;
    }
    return this.#resolved > start;
  }
}
