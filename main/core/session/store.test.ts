import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { NewEntry } from '../../../shared/model/entry.ts';
import { SessionStore, type StoreBatch } from './store.ts';

function connection(id: string, extra: Partial<Connection> = {}): Connection {
  return {
    id,
    kind: 'ws',
    source: 'client',
    url: 'ws://127.0.0.1:1/',
    method: 'GET',
    requestHeaders: [],
    state: 'connecting',
    openedAt: 1_700_000_000_000.25,
    bytesOut: 0,
    bytesIn: 0,
    ...extra,
  };
}

function text(connectionId: string, payload: string, extra: Partial<NewEntry> = {}): NewEntry {
  return {
    connectionId,
    time: 1_700_000_000_001.5,
    direction: 'in',
    kind: 'text',
    payload,
    payloadSize: payload.length,
    wireSize: payload.length + 2,
    frame: {
      opcode: 1,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      masked: false,
      fragments: 1,
    },
    ...extra,
  };
}

const stores: SessionStore[] = [];
function newStore(...args: ConstructorParameters<typeof SessionStore>): SessionStore {
  const store = new SessionStore(...args);
  stores.push(store);
  return store;
}

afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
  vi.useRealTimers();
});

describe('SessionStore entries', () => {
  it('assigns monotonic seqs from 1 and finds entries by seq', () => {
    const store = newStore();
    const a = store.append(text('c1', 'a'));
    const b = store.append(text('c2', 'b'));
    const c = store.append(text('c1', 'c'));
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(store.size).toBe(3);
    expect(store.lastSeq).toBe(3);
    expect(store.get(2)?.payload).toBe('b');
    expect(store.get(0)).toBeUndefined();
    expect(store.get(4)).toBeUndefined();
    expect(store.get(1.5)).toBeUndefined();
  });

  it('indexes entries per connection, in order', () => {
    const store = newStore();
    for (let i = 0; i < 100; i++) store.append(text(i % 3 === 0 ? 'x' : 'y', String(i)));
    expect(store.countOf('x')).toBe(34);
    expect(store.countOf('y')).toBe(66);
    expect(store.countOf('none')).toBe(0);
    const xs = [...store.entriesOf('x')].map((e) => e.payload);
    expect(xs).toEqual(Array.from({ length: 34 }, (_, i) => String(i * 3)));
    expect([...store.entriesOf('x', 2, 4)].map((e) => e.payload)).toEqual(['6', '9']);
    expect(store.entryOf('y', 0)?.payload).toBe('1');
    expect(store.entryOf('y', 66)).toBeUndefined();
    expect([...store.entriesOf('none')]).toEqual([]);
  });

  it('copies entries into one fixed shape and shares identical frame details', () => {
    const store = newStore();
    const input = text('c1', 'a');
    const a = store.append(input);
    const b = store.append(text('c1', 'b'));
    const sse = store.append({
      connectionId: 'c2',
      time: 1,
      direction: 'in',
      kind: 'event',
      payload: 'x',
      payloadSize: 1,
      wireSize: 8,
      sse: { event: 'message', lastEventId: '' },
    });
    expect(a).not.toBe(input);
    expect(Object.keys(a)).toEqual(Object.keys(sse));
    expect(a.frame).toBe(b.frame);
    expect(a.frame).toEqual(
      input.frame === undefined ? undefined : { ...input.frame, compressedSize: undefined },
    );
    expect(Object.isFrozen(a.frame)).toBe(true);
    const compressed = store.append(
      text('c1', 'z', {
        frame: {
          opcode: 1,
          fin: true,
          rsv1: true,
          rsv2: false,
          rsv3: false,
          masked: false,
          fragments: 1,
          compressedSize: 3,
        },
      }),
    );
    expect(compressed.frame?.compressedSize).toBe(3);
    expect(compressed.frame).not.toBe(a.frame);
  });

  it('keeps given seqs with appendWithSeq, looks them up across gaps, and refuses going back', () => {
    const store = newStore();
    const seqs = [3, 4, 10, 11, 12, 40, 1000];
    for (const seq of seqs) store.appendWithSeq({ seq, ...text('c', `p${seq}`) });
    for (const seq of seqs) expect(store.get(seq)?.payload).toBe(`p${seq}`);
    for (const seq of [1, 2, 5, 13, 39, 41, 999, 1001]) expect(store.get(seq)).toBeUndefined();
    expect(store.append(text('c', 'next')).seq).toBe(1001);
    expect(() => store.appendWithSeq({ seq: 1001, ...text('c', 'dup') })).toThrow(/above 1001/);
    expect(() => store.appendWithSeq({ seq: 2000.5, ...text('c', 'frac') })).toThrow(/integer/);
    expect([...store.allEntries(11)].map((e) => e.seq)).toEqual([11, 12, 40, 1000, 1001]);
    expect([...store.allEntries()].length).toBe(8);
  });
});

describe('SessionStore connections', () => {
  it('adds, updates immutably, and lists in insertion order', () => {
    const store = newStore();
    store.addConnection(connection('b'));
    store.addConnection(connection('a'));
    const before = store.getConnection('b');
    const after = store.updateConnection('b', { state: 'open', bytesIn: 10 });
    expect(after).toMatchObject({ id: 'b', state: 'open', bytesIn: 10, url: 'ws://127.0.0.1:1/' });
    expect(before?.state).toBe('connecting');
    expect(store.getConnection('b')).toBe(after);
    expect(store.connections().map((c) => c.id)).toEqual(['b', 'a']);
  });

  it('throws clear errors for programming mistakes', () => {
    const store = newStore();
    store.addConnection(connection('a'));
    expect(() => store.updateConnection('nope', { state: 'open' })).toThrow(
      'SessionStore.updateConnection: unknown connection "nope"',
    );
    expect(() => {
      store.addConnection(connection('a'));
    }).toThrow(/already exists/);
    expect(() => store.updateConnection('a', { id: 'b' })).toThrow(/cannot change id/);
  });
});

describe('SessionStore change feed', () => {
  it('coalesces changes into one batch per window, a connection once in its latest state', () => {
    vi.useFakeTimers();
    const store = newStore({ batchIntervalMs: 16 });
    const batches: StoreBatch[] = [];
    store.subscribe((b) => batches.push(b));
    store.addConnection(connection('c1'));
    store.append(text('c1', 'a'));
    store.updateConnection('c1', { state: 'open' });
    store.append(text('c1', 'b'));
    store.updateConnection('c1', { bytesIn: 7 });
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(15);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch?.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(batch?.connections).toHaveLength(1);
    expect(batch?.connections[0]).toMatchObject({ id: 'c1', state: 'open', bytesIn: 7 });
    vi.advanceTimersByTime(100);
    expect(batches).toHaveLength(1);
    store.append(text('c1', 'c'));
    vi.advanceTimersByTime(16);
    expect(batches.map((b) => b.entries.length)).toEqual([2, 1]);
  });

  it('flush delivers synchronously; a throwing listener does not stop the others', () => {
    const errors: unknown[] = [];
    const store = newStore({ batchIntervalMs: 10_000, onListenerError: (e) => errors.push(e) });
    const seen: number[] = [];
    store.subscribe(() => {
      throw new Error('boom');
    });
    store.subscribe((b) => seen.push(...b.entries.map((e) => e.seq)));
    store.append(text('c', 'a'));
    store.flush();
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('boom');
    store.append(text('c', 'b'));
    store.flush();
    expect(seen).toEqual([1, 2]);
    expect(store.size).toBe(2);
  });

  it('unsubscribes, and a new listener sees only changes after it subscribed', () => {
    const store = newStore({ batchIntervalMs: 10_000 });
    const first: number[] = [];
    const second: number[] = [];
    const off = store.subscribe((b) => first.push(...b.entries.map((e) => e.seq)));
    store.append(text('c', 'a'));
    store.subscribe((b) => second.push(...b.entries.map((e) => e.seq)));
    store.append(text('c', 'b'));
    store.flush();
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2]);
    off();
    store.append(text('c', 'c'));
    store.flush();
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2, 3]);
  });

  it('a listener may unsubscribe another during delivery without skipping anyone', () => {
    const store = newStore({ batchIntervalMs: 10_000 });
    const calls: string[] = [];
    const offB = store.subscribe(() => calls.push('b'));
    store.subscribe(() => {
      calls.push('a');
      offB();
    });
    store.append(text('c', 'x'));
    store.flush();
    store.append(text('c', 'y'));
    store.flush();
    expect(calls).toEqual(['b', 'a', 'a']);
  });

  it('uses an unref’d timer so a pending batch never keeps the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const store = newStore();
    store.subscribe(() => undefined);
    store.append(text('c', 'a'));
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
    spy.mockRestore();
    expect(timer?.hasRef()).toBe(false);
  });

  it('rejects a nonsensical batch interval', () => {
    expect(() => new SessionStore({ batchIntervalMs: -1 })).toThrow(RangeError);
    expect(() => new SessionStore({ batchIntervalMs: Number.NaN })).toThrow(RangeError);
  });
});
