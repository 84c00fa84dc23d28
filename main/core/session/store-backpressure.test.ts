import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { NewEntry } from '../../../shared/model/entry.ts';
import { readNdjsonSession } from './ndjson-reader.ts';
import { NdjsonSessionWriter } from './ndjson-writer.ts';
import { BACKLOG_DRAIN_BYTES, MAX_UNWRITTEN_BYTES, SessionStore } from './store.ts';

/** The disk is slow: every asynchronous write starts 30 ms late (and so reports back late). */
const { WRITE_DELAY_MS } = vi.hoisted(() => ({ WRITE_DELAY_MS: 30 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const util = await import('node:util');
  const writeLater = util.promisify(fs.write);
  const slowWrite = Object.assign(
    (...args: unknown[]): void => {
      setTimeout(() => {
        (fs.write as (...a: unknown[]) => void)(...args);
      }, WRITE_DELAY_MS);
    },
    {
      [util.promisify.custom]: async (...args: Parameters<typeof writeLater>) => {
        await new Promise((resolve) => setTimeout(resolve, WRITE_DELAY_MS));
        return writeLater(...args);
      },
    },
  );
  return { ...fs, default: { ...fs, write: slowWrite }, write: slowWrite };
});

let dir = '';
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-backpressure-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
function tempFile(): string {
  counter += 1;
  return join(dir, `journal-${counter}.ndjson`);
}

const PAYLOAD = 4096;

function connection(id: string): Connection {
  return {
    id,
    kind: 'ws',
    source: 'client',
    url: `ws://127.0.0.1:9/${id}`,
    method: 'GET',
    requestHeaders: [],
    state: 'open',
    openedAt: 1_700_000_000_000,
    bytesOut: 0,
    bytesIn: 0,
  };
}

/** Distinct, with multi-byte UTF-8 (line bytes ≠ payload length) and JSON escapes. */
function payloadFor(i: number): string {
  const head = `${String(i)} é "q" \u2028 `;
  return head + 'x'.repeat(PAYLOAD - head.length);
}

function entry(i: number): NewEntry {
  const payload = payloadFor(i);
  return {
    connectionId: `c${String(i % 2)}`,
    time: 1_700_000_000_000 + i,
    direction: 'in',
    kind: 'text',
    payload,
    payloadSize: Buffer.byteLength(payload),
    wireSize: Buffer.byteLength(payload) + 4,
  };
}

/** A store following a journal on the slow disk whose timer never fires during a burst. */
function slowJournal(budget: number): { store: SessionStore; writer: NdjsonSessionWriter } {
  const store = new SessionStore({ payloadBudget: budget, batchIntervalMs: 1000 });
  store.addConnection(connection('c0'));
  store.addConnection(connection('c1'));
  const writer = new NdjsonSessionWriter(tempFile(), { store, flushIntervalMs: 100 });
  return { store, writer };
}

/** Reopens the journal and checks every entry came back whole, once, in order. */
async function expectJournalHolds(path: string, count: number): Promise<void> {
  const bytes = await readFile(path);
  expect(bytes.includes(0)).toBe(false);
  const opened = await readNdjsonSession(path, { store: { payloadBudget: 0 } });
  expect(opened.notes).toEqual([]);
  expect(opened.store.size).toBe(count);
  let seq = 0;
  for (const e of opened.store.allEntries()) {
    seq += 1;
    expect(e.seq).toBe(seq);
    expect(e.payload).toBe(payloadFor(seq - 1));
  }
  expect(seq).toBe(count);
}

describe('backpressure: unwritten payloads past the budget', () => {
  it('keeps resident payload within budget + one drain batch when the capture never yields to the writer', async () => {
    const budget = 64 * 1024;
    const { store, writer } = slowJournal(budget);
    const count = 3000; // 12 MB of payload, appended without ever awaiting
    let maxResident = 0;
    let maxUnstored = 0;
    for (let i = 0; i < count; i++) {
      store.append(entry(i));
      const stats = store.memoryStats();
      maxResident = Math.max(maxResident, stats.residentBytes);
      maxUnstored = Math.max(maxUnstored, stats.unstoredBytes);
    }
    expect(maxResident).toBeLessThanOrEqual(budget + BACKLOG_DRAIN_BYTES + PAYLOAD);
    expect(maxUnstored).toBeLessThanOrEqual(BACKLOG_DRAIN_BYTES + PAYLOAD);
    expect(store.memoryStats().evictedEntries).toBeGreaterThan(count - 300);
    // Evicted payloads read back from what the synchronous drains wrote.
    for (const seq of [1, 2, 777, 1500, count])
      expect(store.get(seq)?.payload).toBe(payloadFor(seq - 1));
    await writer.close();
    await expectJournalHolds(writer.path, count);
  });

  it('writes a chunk whose asynchronous write is in flight again in its place: no hole, no line twice', async () => {
    const { store, writer } = slowJournal(0);
    const perBurst = Math.ceil((1.2 * BACKLOG_DRAIN_BYTES) / PAYLOAD);
    let i = 0;
    for (let round = 0; round < 8; round++) {
      for (let k = 0; k < perBurst; k++) store.append(entry(i++));
      // The writer gets over 1 MiB of lines at once and starts an asynchronous write…
      store.flush();
      // …which is still in flight when these appends make the store drain synchronously.
      for (let k = 0; k < perBurst; k++) store.append(entry(i++));
      expect(store.memoryStats().unstoredBytes).toBeLessThanOrEqual(BACKLOG_DRAIN_BYTES + PAYLOAD);
      // Right now, before the asynchronous write has reported back: the file has no hole, and
      // every entry the store counts as stored (all evicted, with budget 0) is whole in it.
      const now = readFileSync(writer.path);
      expect(now.includes(0)).toBe(false);
      const lines = now.toString('utf8').split('\n');
      const entryLines = lines.filter((l) => l.startsWith('{"type":"entry"'));
      expect(entryLines.length).toBeGreaterThanOrEqual(store.memoryStats().evictedEntries);
      expect(lines.at(-1)).toBe('');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.close();
    expect(store.memoryStats()).toMatchObject({ residentBytes: 0, evictedEntries: i });
    for (let seq = 1; seq <= i; seq += 97)
      expect(store.get(seq)?.payload).toBe(payloadFor(seq - 1));
    await expectJournalHolds(writer.path, i);
  });

  it('within budget, keeps the journal at most MAX_UNWRITTEN_BYTES behind (what a kill -9 loses)', async () => {
    const { store, writer } = slowJournal(1 << 30);
    const count = Math.ceil((1.5 * MAX_UNWRITTEN_BYTES) / PAYLOAD);
    let maxUnstored = 0;
    for (let i = 0; i < count; i++) {
      store.append(entry(i));
      maxUnstored = Math.max(maxUnstored, store.memoryStats().unstoredBytes);
    }
    expect(maxUnstored).toBeLessThanOrEqual(MAX_UNWRITTEN_BYTES + PAYLOAD);
    const { unstoredBytes, residentBytes, evictedEntries } = store.memoryStats();
    expect(unstoredBytes).toBeLessThan(MAX_UNWRITTEN_BYTES / 2);
    // Within budget nothing is evicted: the drain only wrote.
    expect(residentBytes).toBe(count * PAYLOAD);
    expect(evictedEntries).toBe(0);
    await writer.close();
    await expectJournalHolds(writer.path, count);
  });

  it('does not drain without a journal: entries in no file keep their payload', () => {
    const store = new SessionStore({ payloadBudget: 0 });
    for (let i = 0; i < 600; i++) store.append(entry(i));
    expect(store.memoryStats()).toMatchObject({
      evictedEntries: 0,
      residentBytes: 600 * PAYLOAD,
      unstoredBytes: 600 * PAYLOAD,
    });
  });

  it('stops draining into a writer that was closed', async () => {
    const { store, writer } = slowJournal(0);
    for (let i = 0; i < 10; i++) store.append(entry(i));
    await writer.close();
    const before = (await stat(writer.path)).size;
    for (let i = 10; i < 600; i++) store.append(entry(i));
    expect(store.memoryStats().unstoredBytes).toBe(590 * PAYLOAD);
    expect((await stat(writer.path)).size).toBe(before);
  });
});

describe('opening a file larger than the budget', () => {
  it('keeps every payload when they fit the budget, however long the lines around them', async () => {
    const { store, writer } = slowJournal(1 << 30);
    for (let i = 0; i < 500; i++) store.append({ ...entry(i), payload: `p${String(i)}` });
    await writer.close();
    const { size } = await stat(writer.path);
    const budget = 2000; // total payload is 1,890 chars: the file is over 30 times the budget
    expect(size).toBeGreaterThan(30 * budget);
    const opened = (await readNdjsonSession(writer.path, { store: { payloadBudget: budget } }))
      .store;
    expect(opened.memoryStats()).toMatchObject({ evictedEntries: 0 });
    expect(opened.get(1)?.payload).toBe('p0');
  });

  it('holds only the last payloads, within budget, and reads the others back', async () => {
    const { store, writer } = slowJournal(1 << 30);
    for (let i = 0; i < 500; i++) store.append(entry(i));
    await writer.close();

    const budget = 100 * PAYLOAD;
    const opened = (await readNdjsonSession(writer.path, { store: { payloadBudget: budget } }))
      .store;
    const stats = opened.memoryStats();
    expect(stats.residentBytes).toBeLessThanOrEqual(budget);
    // The last budget's worth of file bytes: a bit less than 100 payloads (lines are longer).
    expect(stats.residentBytes).toBeGreaterThan(budget / 2);
    expect(stats.evictedEntries + stats.residentBytes / PAYLOAD).toBe(500);
    const last = opened.get(500);
    expect(last?.payload).toBe(payloadFor(499));
    for (let seq = 1; seq <= 500; seq += 7)
      expect(opened.get(seq)?.payload).toBe(payloadFor(seq - 1));
  });
});
