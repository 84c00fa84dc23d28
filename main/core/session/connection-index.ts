/**
 * Positions (indexes into the store's entry array) of one connection's entries, in order.
 * A growable Uint32Array costs 4 bytes per entry (8 at worst right after doubling), where an
 * array of references would cost 8–16 and keep nothing more useful.
 */
export class ConnectionIndex {
  /** The connection id, one string shared by all its entries (a file read gives each its own). */
  readonly id: string;
  #positions: Uint32Array;
  #count = 0;

  constructor(id: string, initialCapacity = 8) {
    this.id = id;
    this.#positions = new Uint32Array(initialCapacity);
  }

  get count(): number {
    return this.#count;
  }

  push(position: number): void {
    if (this.#count === this.#positions.length) {
      const grown = new Uint32Array(this.#positions.length * 2);
      grown.set(this.#positions);
      this.#positions = grown;
    }
    this.#positions[this.#count] = position;
    this.#count += 1;
  }

  /** Position of the i-th entry of this connection, or -1 when out of range. */
  at(i: number): number {
    if (i < 0 || i >= this.#count) return -1;
    return this.#positions[i] ?? -1;
  }

  /** A read-only view of the filled part (no copy; valid until the next push). */
  view(): Uint32Array {
    return this.#positions.subarray(0, this.#count);
  }
}
