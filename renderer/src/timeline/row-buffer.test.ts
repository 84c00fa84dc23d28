import { describe, expect, it } from 'vitest';
import { rowFlags } from '../../../shared/model/wire.ts';
import { MatchSet } from './match-set.ts';
import { RowBuffer } from './row-buffer.ts';
import { IngestQueue } from './ingest.ts';
import { makeRow, makeRows } from './test-rows.ts';

describe('RowBuffer', () => {
  it('keeps every column of a row and gives it back', () => {
    const buffer = new RowBuffer();
    buffer.append([
      makeRow(7, {
        connectionId: 'abc',
        direction: 'in',
        kind: 'close',
        payloadSize: 1234567,
        wireSize: 99,
        preview: 'bye',
        flags: rowFlags.compressed | rowFlags.hasNotes,
        time: 1.5,
      }),
    ]);
    expect(buffer.row(0)).toEqual({
      index: 0,
      seq: 7,
      connectionId: 'abc',
      time: 1.5,
      direction: 'in',
      kind: 'close',
      payloadSize: 1234567,
      wireSize: 99,
      preview: 'bye',
      flags: rowFlags.compressed | rowFlags.hasNotes,
    });
    expect(buffer.row(1)).toBeUndefined();
  });

  it('grows past its first capacity, drops overlapping seqs, and finds rows by seq', () => {
    const buffer = new RowBuffer();
    buffer.append(makeRows(1, 3000));
    expect(buffer.append(makeRows(2990, 20))).toBe(9);
    expect(buffer.length).toBe(3009);
    expect(buffer.lastSeq).toBe(3009);
    expect(buffer.indexOfSeq(2500)).toBe(2499);
    expect(buffer.indexOfSeq(5000)).toBe(-1);
    expect(buffer.row(3008)?.preview).toBe('message 3009');
  });

  it('counts a version per batch, not per row, and tells subscribers', () => {
    const buffer = new RowBuffer();
    let told = 0;
    buffer.subscribe(() => told++);
    buffer.append(makeRows(1, 500));
    buffer.append([]);
    expect(buffer.version).toBe(1);
    expect(told).toBe(1);
    buffer.clear();
    expect(buffer.length).toBe(0);
    expect(buffer.lastSeq).toBe(0);
  });

  it('spans several chunks of rows without losing any', () => {
    const buffer = new RowBuffer();
    for (let from = 1; from <= 200_000; from += 25_000) buffer.append(makeRows(from, 25_000));
    expect(buffer.length).toBe(200_000);
    for (const index of [0, 65_535, 65_536, 131_072, 199_999]) {
      expect(buffer.row(index)).toMatchObject({ seq: index + 1, preview: `message ${index + 1}` });
    }
    expect(buffer.indexOfSeq(131_073)).toBe(131_072);
  });

  it('finds rows by seq when seqs have gaps', () => {
    const buffer = new RowBuffer();
    buffer.append([makeRow(2), makeRow(5), makeRow(9)]);
    expect(buffer.indexOfSeq(5)).toBe(1);
    expect(buffer.indexOfSeq(4)).toBe(-1);
    expect(buffer.lowerBound(6)).toBe(2);
  });
});

describe('MatchSet', () => {
  it('resolves seqs to buffer indices as the rows arrive', () => {
    const buffer = new RowBuffer();
    buffer.append(makeRows(1, 10));
    const matches = new MatchSet();
    matches.add([2, 4, 12]);
    expect(matches.resolve(buffer)).toBe(true);
    expect(matches.length).toBe(2);
    expect(matches.total).toBe(3);
    buffer.append(makeRows(11, 5));
    matches.resolve(buffer);
    expect([matches.indexAt(0), matches.indexAt(1), matches.indexAt(2)]).toEqual([1, 3, 11]);
    expect(matches.has(3)).toBe(true);
    expect(matches.has(4)).toBe(false);
    expect(matches.positionOf(11)).toBe(2);
    expect(matches.positionOf(5)).toBe(-1);
    matches.add([4, 12, 13]);
    matches.resolve(buffer);
    expect(matches.total).toBe(4);
  });
});

describe('IngestQueue', () => {
  it('hands every batch pushed before a frame over in one flush', () => {
    const frames: (() => void)[] = [];
    const flushed: number[][] = [];
    const queue = new IngestQueue(
      (rows) => flushed.push(rows.map((row) => row.seq)),
      (callback) => frames.push(callback),
    );
    queue.push(makeRows(1, 2));
    queue.push(makeRows(3, 2));
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(flushed).toEqual([[1, 2, 3, 4]]);
    queue.push(makeRows(5, 1));
    queue.drop();
    frames[1]?.();
    expect(flushed).toHaveLength(1);
  });
});
