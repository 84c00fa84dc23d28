/**
 * The timeline's rows, kept outside React and zustand: columns of typed arrays in fixed-size
 * chunks (appending never copies what is already held, so there is no doubling spike at half a
 * million rows), plus previews joined into one string per appended batch. Readers subscribe to
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

const chunkBits = 16;
const chunkRows = 1 << chunkBits;
const chunkMask = chunkRows - 1;

/** One chunk of 65,536 rows, column by column. */
class Chunk {
  readonly seq = new Float64Array(chunkRows);
  readonly time = new Float64Array(chunkRows);
  readonly payloadSize = new Float64Array(chunkRows);
  readonly wireSize = new Float64Array(chunkRows);
  readonly conn = new Uint32Array(chunkRows);
  /** bit 0: direction (1 = in); bits 1–4: kind code; bits 8–15: row flags. */
  readonly packed = new Uint16Array(chunkRows);
  /** Which batch string holds the preview, where it starts and how long it is. */
  readonly previewBatch = new Uint32Array(chunkRows);
  readonly previewStart = new Uint32Array(chunkRows);
  readonly previewLength = new Uint32Array(chunkRows);
}

export class RowBuffer {
  #length = 0;
  #chunks: Chunk[] = [];
  /**
   * Previews joined per batch and read back by offset: a million rows then cost a few hundred
   * strings for the garbage collector to trace, not a million.
   */
  #batches: string[] = [];
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
    return this.#length === 0 ? 0 : this.seqAt(this.#length - 1);
  }

  /** Appends rows in seq order; rows at or below the last held seq are dropped (overlap on boot). */
  append(rows: readonly EntryRow[]): number {
    let added = 0;
    let last = this.lastSeq;
    const batch = this.#batches.length;
    const previews: string[] = [];
    let offset = 0;
    for (const row of rows) {
      if (row.seq <= last) continue;
      const i = this.#length++;
      const chunk = this.#chunks[i >> chunkBits] ?? this.#addChunk();
      const at = i & chunkMask;
      chunk.seq[at] = row.seq;
      chunk.time[at] = row.time;
      chunk.payloadSize[at] = row.payloadSize;
      chunk.wireSize[at] = row.wireSize;
      chunk.conn[at] = this.#intern(row.connectionId);
      chunk.packed[at] =
        (row.direction === 'in' ? 1 : 0) |
        ((kindCode.get(row.kind) ?? 0) << 1) |
        ((row.flags & 0xff) << 8);
      chunk.previewBatch[at] = batch;
      chunk.previewStart[at] = offset;
      chunk.previewLength[at] = row.preview.length;
      previews.push(row.preview);
      offset += row.preview.length;
      last = row.seq;
      added++;
    }
    if (added > 0) {
      this.#batches.push(previews.join(''));
      this.#bump();
    }
    return added;
  }

  clear(): void {
    this.#length = 0;
    this.#chunks = [];
    this.#batches = [];
    this.#connIds = [];
    this.#connIndex.clear();
    this.#bump();
  }

  seqAt(index: number): number {
    return this.#chunks[index >> chunkBits]?.seq[index & chunkMask] ?? 0;
  }

  timeAt(index: number): number {
    return this.#chunks[index >> chunkBits]?.time[index & chunkMask] ?? 0;
  }

  connectionIdAt(index: number): string {
    return this.#connIds[this.#chunks[index >> chunkBits]?.conn[index & chunkMask] ?? 0] ?? '';
  }

  kindAt(index: number): EntryKind {
    return KIND_CODES[(this.#packedAt(index) >> 1) & 0xf] ?? 'text';
  }

  directionAt(index: number): Direction {
    return (this.#packedAt(index) & 1) === 1 ? 'in' : 'out';
  }

  payloadSizeAt(index: number): number {
    return this.#chunks[index >> chunkBits]?.payloadSize[index & chunkMask] ?? 0;
  }

  wireSizeAt(index: number): number {
    return this.#chunks[index >> chunkBits]?.wireSize[index & chunkMask] ?? 0;
  }

  previewAt(index: number): string {
    const chunk = this.#chunks[index >> chunkBits];
    if (!chunk) return '';
    const at = index & chunkMask;
    const start = chunk.previewStart[at] ?? 0;
    const batch = this.#batches[chunk.previewBatch[at] ?? 0] ?? '';
    return batch.slice(start, start + (chunk.previewLength[at] ?? 0));
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
      flags: (this.#packedAt(index) >> 8) & 0xff,
    };
  }

  /** Index of the row with this seq, or -1 (seqs ascend, so a binary search finds it). */
  indexOfSeq(seq: number): number {
    const i = this.lowerBound(seq);
    return i < this.#length && this.seqAt(i) === seq ? i : -1;
  }

  /** First index whose seq is >= `seq` (length when none). */
  lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqAt(mid) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  #packedAt(index: number): number {
    return this.#chunks[index >> chunkBits]?.packed[index & chunkMask] ?? 0;
  }

  #addChunk(): Chunk {
    const chunk = new Chunk();
    this.#chunks.push(chunk);
    return chunk;
  }

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
}
