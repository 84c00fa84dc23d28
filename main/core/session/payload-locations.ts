/**
 * Where each stored entry's line lies in a session file: file id (1-based; 0 = not in any file
 * yet), byte offset and byte length, by store position. Typed arrays, 13 bytes per entry, so a
 * million entries cost 13 MB and no objects.
 */
export class PayloadLocations {
  #file = new Uint8Array(1024);
  /** Float64: offsets go past 4 GiB in a big journal (exact up to 2^53). */
  #offset = new Float64Array(1024);
  #length = new Uint32Array(1024);

  set(position: number, file: number, offset: number, length: number): void {
    if (position >= this.#file.length) this.#grow(position + 1);
    this.#file[position] = file;
    this.#offset[position] = offset;
    this.#length[position] = length;
  }

  /** 0 when the entry at `position` is not (yet) in a file. */
  fileOf(position: number): number {
    return this.#file[position] ?? 0;
  }

  offsetOf(position: number): number {
    return this.#offset[position] ?? 0;
  }

  lengthOf(position: number): number {
    return this.#length[position] ?? 0;
  }

  #grow(needed: number): void {
    let capacity = this.#file.length * 2;
    while (capacity < needed) capacity *= 2;
    const file = new Uint8Array(capacity);
    file.set(this.#file);
    const offset = new Float64Array(capacity);
    offset.set(this.#offset);
    const length = new Uint32Array(capacity);
    length.set(this.#length);
    this.#file = file;
    this.#offset = offset;
    this.#length = length;
  }
}
