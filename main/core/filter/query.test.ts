import { afterEach, describe, expect, it } from 'vitest';
import type { NewEntry } from '../../../shared/model/entry.ts';
import { SessionStore } from '../session/store.ts';
import { queryEntries } from './query.ts';
import { connection } from './test-entries.ts';

const stores: SessionStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
});

function newStore(): SessionStore {
  const store = new SessionStore();
  stores.push(store);
  return store;
}

function text(connectionId: string, payload: string, extra: Partial<NewEntry> = {}): NewEntry {
  return {
    connectionId,
    time: 1_700_000_000_000,
    direction: 'in',
    kind: 'text',
    payload,
    payloadSize: payload.length,
    wireSize: payload.length + 2,
    ...extra,
  };
}

/** a: seq 1 "one", 3 "three", 5 ping; b: seq 2 "two", 4 '{"n":4}'. */
function sample(): SessionStore {
  const store = newStore();
  store.addConnection(connection('a', { url: 'ws://alpha.test/' }));
  store.addConnection(connection('b', { url: 'ws://beta.test/' }));
  store.append(text('a', 'one'));
  store.append(text('b', 'two', { direction: 'out' }));
  store.append(text('a', 'three'));
  store.append(text('b', '{"n":4}'));
  store.append(text('a', '', { kind: 'ping' }));
  return store;
}

describe('queryEntries', () => {
  it('returns matching seqs in order with their count', () => {
    const store = sample();
    expect(queryEntries(store, 'kind:text')).toEqual({ seqs: [1, 2, 3, 4], total: 4 });
    expect(queryEntries(store, 't')).toEqual({ seqs: [2, 3], total: 2 });
    expect(queryEntries(store, '')).toEqual({ seqs: [1, 2, 3, 4, 5], total: 5 });
    expect(queryEntries(store, 'json:n>3')).toEqual({ seqs: [4], total: 1 });
    expect(queryEntries(store, 'url:beta')).toEqual({ seqs: [2, 4], total: 2 });
    expect(queryEntries(store, { type: 'dir', direction: 'out' })).toEqual({ seqs: [2], total: 1 });
  });

  it('limits seqs but counts every match', () => {
    const store = sample();
    expect(queryEntries(store, 'kind:text', { limit: 2 })).toEqual({ seqs: [1, 2], total: 4 });
    expect(queryEntries(store, 'kind:text', { limit: 0 })).toEqual({ seqs: [], total: 4 });
    expect(queryEntries(store, 'kind:text', { limit: 2.9 })).toEqual({ seqs: [1, 2], total: 4 });
    expect(queryEntries(store, 'kind:text', { limit: Number.NaN })).toEqual({
      seqs: [1, 2, 3, 4],
      total: 4,
    });
  });

  it('scans from a seq and within one connection', () => {
    const store = sample();
    expect(queryEntries(store, '', { fromSeq: 3 })).toEqual({ seqs: [3, 4, 5], total: 3 });
    expect(queryEntries(store, '', { connectionId: 'a' })).toEqual({ seqs: [1, 3, 5], total: 3 });
    expect(queryEntries(store, '', { connectionId: 'a', fromSeq: 2 })).toEqual({
      seqs: [3, 5],
      total: 2,
    });
    expect(queryEntries(store, '', { connectionId: 'a', fromSeq: 6 })).toEqual({
      seqs: [],
      total: 0,
    });
    expect(queryEntries(store, 'kind:text', { connectionId: 'b', fromSeq: 0, limit: 1 })).toEqual({
      seqs: [2],
      total: 2,
    });
    expect(queryEntries(store, '', { connectionId: 'nobody' })).toEqual({ seqs: [], total: 0 });
  });

  it('reports a parse error and matches nothing', () => {
    const store = sample();
    expect(queryEntries(store, 'kind:nope')).toEqual({
      seqs: [],
      total: 0,
      error: { message: expect.stringContaining('unknown kind') as unknown, start: 5, end: 9 },
    });
  });

  it('scans 100,000 entries in one pass (each entry visited once)', () => {
    const store = newStore();
    for (const id of ['x', 'y']) store.addConnection(connection(id));
    for (let i = 0; i < 100_000; i++) {
      const payload = i % 10 === 0 ? `{"i":${i},"type":"tick"}` : `message ${i}`;
      store.append(
        text(i % 2 === 0 ? 'x' : 'y', payload, { kind: i % 50 === 0 ? 'ping' : 'text' }),
      );
    }
    let visited = 0;
    const counting = {
      allEntries: (fromSeq?: number) => {
        const inner = store.allEntries(fromSeq);
        return (function* () {
          for (const e of inner) {
            visited++;
            yield e;
          }
        })();
      },
      entriesOf: store.entriesOf.bind(store),
      getConnection: store.getConnection.bind(store),
      countOf: store.countOf.bind(store),
      entryOf: store.entryOf.bind(store),
    };
    const result = queryEntries(counting, '-kind:ping (json:type=tick OR "message 9")', {
      limit: 10,
    });
    expect(visited).toBe(100_000);
    // json ticks: every 10th entry minus the pings (every 50th); "message 9…": i in 9, 90–99, 900–999, …
    const expected = Array.from({ length: 100_000 }, (_, i) => i).filter(
      (i) => i % 50 !== 0 && (i % 10 === 0 || String(i).startsWith('9')),
    );
    expect(result.total).toBe(expected.length);
    expect(result.seqs).toEqual(expected.slice(0, 10).map((i) => i + 1));
    const oneConnection = queryEntries(store, 'kind:ping', { connectionId: 'x', fromSeq: 50_000 });
    expect(oneConnection.total).toBe(1000);
  });
});
