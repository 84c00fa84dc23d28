/**
 * The timeline's rows, kept outside React and zustand: columns of typed arrays that grow by
 * doubling, plus one array of preview strings. A million rows cost a few dozen bytes each here
 * (the previews dominate), and appending never copies what is already held. Readers subscribe to
 * `version`, which changes once per flushed batch, never once per row.
 */
import type { Direction, EntryKind } from '../../../shared/model/entry.ts';
import type { EntryRow } from '../../../shared/model/wire.ts';

export const KIND_CODES: readonly EntryKind[] = [
  'text',
  'binary',
  'ping',
  'pong',
  'close',
  'event',
  'comment',
  'lifecycle',
  'error',
];
const kindCode = new Map<EntryKind, number>(KIND_CODES.map((kind, i) => [kind, i]));

/** One row as components read it: materialised on demand for the few rows on screen. */
export interface RowView {
  index: number;
  seq: number;
  connectionId: string;
  time: number;
  direction: Direction;
  kind: EntryKind;
  payloadSize: number;
  wireSize: number;
  preview: string;
  flags: number;
}

const initialCapacity = 1024;

export class RowBuffer {
  #length = 0;
  #seq = new Float64Array(initialCapacity);
  #time = new Float64Array(initialCapacity);
  #payloadSize = new Float64Array(initialCapacity);
  #wireSize = new Float64Array(initialCapacity);
  #conn = new Uint32Array(initialCapacity);
  /** bit 0: direction (1 = in); bits 1–4: kind code; bits 8–15: row flags. */
  #packed = new Uint16Array(initialCapacity);
  /**
   * Previews are joined into one string per appended batch and read back by offset: a million
   * rows then cost a few hundred strings for the garbage collector to trace, not a million.
   */
  #chunks: string[] = [];
  #chunk = new Uint32Array(initialCapacity);
  #previewStart = new Uint32Array(initialCapacity);
  #previewLength = new Uint32Array(initialCapacity);
  #connIds: string[] = [];
  #connIndex = new Map<string, number>();
  #version = 0;
  #listeners = new Set<() => void>();

  get length(): number {
    return this.#length;
  }

  get version(): number {
    return this.#version;
  }

  get lastSeq(): number {
    return this.#length === 0 ? 0 : (this.#seq[this.#length - 1] ?? 0);
  }

  /** Appends rows in seq order; rows at or below the last held seq are dropped (overlap on boot). */
  append(rows: readonly EntryRow[]): number {
    let added = 0;
    let last = this.lastSeq;
    const chunkId = this.#chunks.length;
    const previews: string[] = [];
    let offset = 0;
    for (const row of rows) {
      if (row.seq <= last) continue;
      this.#reserve(this.#length + 1);
      const i = this.#length++;
      this.#seq[i] = row.seq;
      this.#time[i] = row.time;
      this.#payloadSize[i] = row.payloadSize;
      this.#wireSize[i] = row.wireSize;
      this.#conn[i] = this.#intern(row.connectionId);
      this.#packed[i] =
        (row.direction === 'in' ? 1 : 0) |
        ((kindCode.get(row.kind) ?? 0) << 1) |
        ((row.flags & 0xff) << 8);
      this.#chunk[i] = chunkId;
      this.#previewStart[i] = offset;
      this.#previewLength[i] = row.preview.length;
      previews.push(row.preview);
      offset += row.preview.length;
      last = row.seq;
      added++;
    }
    if (added > 0) {
      this.#chunks.push(previews.join(''));
      this.#bump();
    }
    return added;
  }

  clear(): void {
    this.#length = 0;
    this.#seq = new Float64Array(initialCapacity);
    this.#time = new Float64Array(initialCapacity);
    this.#payloadSize = new Float64Array(initialCapacity);
    this.#wireSize = new Float64Array(initialCapacity);
    this.#conn = new Uint32Array(initialCapacity);
    this.#packed = new Uint16Array(initialCapacity);
    this.#chunks = [];
    this.#chunk = new Uint32Array(initialCapacity);
    this.#previewStart = new Uint32Array(initialCapacity);
    this.#previewLength = new Uint32Array(initialCapacity);
    this.#connIds = [];
    this.#connIndex.clear();
    this.#bump();
  }

  seqAt(index: number): number {
    return this.#seq[index] ?? 0;
  }

  timeAt(index: number): number {
    return this.#time[index] ?? 0;
  }

  connectionIdAt(index: number): string {
    return this.#connIds[this.#conn[index] ?? 0] ?? '';
  }

  kindAt(index: number): EntryKind {
    return KIND_CODES[((this.#packed[index] ?? 0) >> 1) & 0xf] ?? 'text';
  }

  directionAt(index: number): Direction {
    return ((this.#packed[index] ?? 0) & 1) === 1 ? 'in' : 'out';
  }

  payloadSizeAt(index: number): number {
    return this.#payloadSize[index] ?? 0;
  }

  wireSizeAt(index: number): number {
    return this.#wireSize[index] ?? 0;
  }

  previewAt(index: number): string {
    const chunk = this.#chunks[this.#chunk[index] ?? 0] ?? '';
    const start = this.#previewStart[index] ?? 0;
    return chunk.slice(start, start + (this.#previewLength[index] ?? 0));
  }

  row(index: number): RowView | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return {
      index,
      seq: this.seqAt(index),
      connectionId: this.connectionIdAt(index),
      time: this.timeAt(index),
      direction: this.directionAt(index),
      kind: this.kindAt(index),
      payloadSize: this.payloadSizeAt(index),
      wireSize: this.wireSizeAt(index),
      preview: this.previewAt(index),
      flags: ((this.#packed[index] ?? 0) >> 8) & 0xff,
    };
  }

  /** Index of the row with this seq, or -1 (seqs ascend, so a binary search finds it). */
  indexOfSeq(seq: number): number {
    const i = this.lowerBound(seq);
    return this.#seq[i] === seq && i < this.#length ? i : -1;
  }

  /** First index whose seq is >= `seq` (length when none). */
  lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#seq[mid] ?? 0) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  #bump(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }

  #intern(id: string): number {
    let index = this.#connIndex.get(id);
    if (index === undefined) {
      index = this.#connIds.length;
      this.#connIds.push(id);
      this.#connIndex.set(id, index);
    }
    return index;
  }

  #reserve(needed: number): void {
    if (needed <= this.#seq.length) return;
    const capacity = Math.max(needed, this.#seq.length * 2);
    this.#seq = grow(this.#seq, new Float64Array(capacity));
    this.#time = grow(this.#time, new Float64Array(capacity));
    this.#payloadSize = grow(this.#payloadSize, new Float64Array(capacity));
    this.#wireSize = grow(this.#wireSize, new Float64Array(capacity));
    this.#conn = grow(this.#conn, new Uint32Array(capacity));
    this.#packed = grow(this.#packed, new Uint16Array(capacity));
    this.#chunk = grow(this.#chunk, new Uint32Array(capacity));
    this.#previewStart = grow(this.#previewStart, new Uint32Array(capacity));
    this.#previewLength = grow(this.#previewLength, new Uint32Array(capacity));
  }
}

function grow<T extends Float64Array | Uint32Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
