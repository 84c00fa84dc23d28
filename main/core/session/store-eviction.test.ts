import { appendFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry, NewEntry, Payload } from '../../../shared/model/entry.ts';
import { readNdjsonSession } from './ndjson-reader.ts';
import { NdjsonSessionWriter } from './ndjson-writer.ts';
import { saveSessionFile } from './session-file.ts';
import { SessionStore } from './store.ts';

let dir = '';
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-eviction-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
function tempFile(): string {
  counter += 1;
  return join(dir, `journal-${counter}.ndjson`);
}

const T0 = 1_700_000_000_000.125;

function connection(id: string): Connection {
  return {
    id,
    kind: 'ws',
    source: 'client',
    url: `ws://127.0.0.1:9/${id}`,
    method: 'GET',
    requestHeaders: [],
    state: 'open',
    openedAt: T0,
    bytesOut: 0,
    bytesIn: 0,
  };
}

/** Text with multi-byte UTF-8, line separators and quotes; binary with every byte value. */
function payloadFor(i: number): Payload {
  if (i % 3 === 2) {
    const bytes = new Uint8Array(64 + (i % 200));
    for (let k = 0; k < bytes.length; k++) bytes[k] = (i * 31 + k * 7) & 0xff;
    return bytes;
  }
  const texts = ['plain ascii', 'é ü ß “quoted” \u2028 \u2029 \n\t "', '日本語 🎉 \\ / \u0000'];
  return `${String(i)}:${texts[i % texts.length] ?? ''}:${'x'.repeat(i % 300)}`;
}

function newEntry(i: number, connectionId = `c${i % 3}`): NewEntry {
  const payload = payloadFor(i);
  const binary = typeof payload !== 'string';
  return {
    connectionId,
    time: T0 + i * 0.25,
    direction: i % 2 === 0 ? 'out' : 'in',
    kind: binary ? 'binary' : 'text',
    payload,
    payloadSize: binary ? payload.length : Buffer.byteLength(payload),
    wireSize: 10,
    frame: {
      opcode: binary ? 2 : 1,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      masked: i % 2 === 0,
      fragments: 1,
    },
    ...(i % 7 === 0 ? { notes: [{ code: 'n', message: `note ${String(i)}` }] } : {}),
  };
}

function journaledStore(budget: number): { store: SessionStore; writer: NdjsonSessionWriter } {
  const store = new SessionStore({ payloadBudget: budget, batchIntervalMs: 1 });
  for (const id of ['c0', 'c1', 'c2']) store.addConnection(connection(id));
  const writer = new NdjsonSessionWriter(tempFile(), { store, flushIntervalMs: 5 });
  return { store, writer };
}

function expectPayload(actual: Entry | undefined, expected: Payload): void {
  expect(actual).toBeDefined();
  if (typeof expected === 'string') expect(actual?.payload).toBe(expected);
  else {
    expect(actual?.payload).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(actual?.payload as Uint8Array).equals(Buffer.from(expected))).toBe(true);
  }
  expect(actual?.notes?.some((n) => n.code === 'payload-unavailable') ?? false).toBe(false);
}

describe('payload eviction and read-back', () => {
  it('evicts the oldest journaled payloads past the budget and reads them back byte-exact', async () => {
    const { store, writer } = journaledStore(4096);
    const originals: Entry[] = [];
    for (let i = 0; i < 600; i++) originals.push({ ...store.append(newEntry(i)) });
    await writer.flush();

    const stats = store.memoryStats();
    expect(stats.evictedEntries).toBeGreaterThan(500);
    expect(stats.residentBytes).toBeLessThanOrEqual(4096);

    for (const original of originals) {
      const back = store.get(original.seq);
      expectPayload(back, original.payload);
      // Everything but the payload is the stored metadata.
      expect({ ...back, payload: 0 }).toEqual({ ...original, payload: 0 });
      expectPayload(await store.getAsync(original.seq), original.payload);
    }
    const scanned = [...store.allEntries()];
    expect(scanned).toHaveLength(600);
    scanned.forEach((e, i) => {
      expectPayload(e, originals[i]?.payload ?? '');
    });
    const ofC1 = [...store.entriesOf('c1')];
    expect(ofC1.map((e) => e.seq)).toEqual(
      originals.filter((e) => e.connectionId === 'c1').map((e) => e.seq),
    );
    ofC1.forEach((e) => {
      expectPayload(e, originals[e.seq - 1]?.payload ?? '');
    });
    expectPayload(
      store.entryOf('c2', 5),
      originals.filter((e) => e.connectionId === 'c2')[5]?.payload ?? '',
    );
    expect(store.memoryStats().failedLoads).toBe(0);
    await writer.close();
  });

  it('never evicts an entry that has not been flushed, nor any entry of a store without a file', async () => {
    const { store, writer } = journaledStore(0);
    for (let i = 0; i < 50; i++) store.append(newEntry(i));
    // Appended, not yet written: every payload stays.
    expect(store.memoryStats().evictedEntries).toBe(0);
    await writer.flush();
    expect(store.memoryStats().evictedEntries).toBe(50);
    expect(store.memoryStats().residentBytes).toBe(0);
    store.append(newEntry(50));
    expect(store.memoryStats().evictedEntries).toBe(50);
    expectPayload(store.get(51), payloadFor(50));
    await writer.close();
    expect(store.memoryStats().evictedEntries).toBe(51);

    const bare = new SessionStore({ payloadBudget: 0 });
    for (let i = 0; i < 50; i++) bare.append(newEntry(i));
    expect(bare.memoryStats()).toMatchObject({ evictedEntries: 0 });
    expect(bare.get(3)).toBe([...bare.allEntries()][2]);
  });

  it('does not change objects already handed out when it evicts them', async () => {
    const { store, writer } = journaledStore(0);
    const held = store.append(newEntry(1));
    await writer.flush();
    expect(store.memoryStats().evictedEntries).toBe(1);
    expect(held.payload).toEqual(payloadFor(1));
    await writer.close();
  });

  it('reads back correctly while entries are being appended and written', async () => {
    const { store, writer } = journaledStore(2048);
    const expected: Payload[] = [];
    let reads = 0;
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 25; k++) {
        const i = round * 25 + k;
        expected.push(payloadFor(i));
        store.append(newEntry(i));
      }
      // Random read-backs, sync and async, interleaved with the writer's disk writes.
      const pending: Promise<void>[] = [];
      for (let r = 0; r < 10; r++) {
        const seq = 1 + ((round * 7919 + r * 104729) % store.size);
        expectPayload(store.get(seq), expected[seq - 1] ?? '');
        pending.push(
          store.getAsync(seq).then((e) => {
            expectPayload(e, expected[seq - 1] ?? '');
          }),
        );
        reads += 1;
      }
      await Promise.all(pending);
      await new Promise((resolve) => setTimeout(resolve, round % 4));
    }
    await writer.close();
    expect(reads).toBe(400);
    expect(store.memoryStats().evictedEntries).toBeGreaterThan(900);
    [...store.allEntries()].forEach((e, i) => {
      expectPayload(e, expected[i] ?? '');
    });
  });

  it('opens a torn journal with payloads left in the file, loaded on demand', async () => {
    const { store, writer } = journaledStore(1 << 20);
    for (let i = 0; i < 300; i++) store.append(newEntry(i));
    await writer.close();
    // A crash mid-write: half a line without its newline.
    await appendFile(writer.path, '{"type":"entry","seq":301,"connectionId":"c0","ti');

    const opened = await readNdjsonSession(writer.path, { store: { payloadBudget: 1000 } });
    expect(opened.notes.map((n) => n.code)).toEqual(['torn-last-line']);
    expect(opened.store.size).toBe(300);
    expect(opened.store.memoryStats().evictedEntries).toBeGreaterThan(280);
    for (let seq = 1; seq <= 300; seq++) expectPayload(opened.store.get(seq), payloadFor(seq - 1));
    [...opened.store.allEntries()].forEach((e) => {
      expectPayload(e, payloadFor(e.seq - 1));
    });
  });

  it('copies an opened session into a new journal and then reads from that one', async () => {
    const source = tempFile();
    const { store, writer } = journaledStore(1 << 20);
    for (let i = 0; i < 200; i++) store.append(newEntry(i));
    await writer.close();
    await writeFile(source, await readFile(writer.path));

    const opened = (await readNdjsonSession(source, { store: { payloadBudget: 0 } })).store;
    const journal = new NdjsonSessionWriter(tempFile(), { store: opened });
    await journal.close();
    expect(opened.readsFrom(journal.path)).toBe(true);
    // The opened file can go now: every payload has moved to the new journal.
    await rm(source);
    for (let seq = 1; seq <= 200; seq++) expectPayload(opened.get(seq), payloadFor(seq - 1));
    const body = (text: string): string => text.slice(text.indexOf('\n'));
    expect(body(await readFile(journal.path, 'utf8'))).toBe(
      body(await readFile(writer.path, 'utf8')),
    );
  });

  it('exports over the very file it reads payloads from', async () => {
    const { store, writer } = journaledStore(1 << 20);
    for (let i = 0; i < 100; i++) store.append(newEntry(i));
    await writer.close();
    const opened = (await readNdjsonSession(writer.path, { store: { payloadBudget: 0 } })).store;
    await saveSessionFile(writer.path, opened, { redact: false });
    for (let seq = 1; seq <= 100; seq++) expectPayload(opened.get(seq), payloadFor(seq - 1));
    const reopened = (await readNdjsonSession(writer.path)).store;
    expect(reopened.size).toBe(100);
  });

  it('reports a payload whose file changed behind its back with a note, never a throw', async () => {
    const { store, writer } = journaledStore(0);
    for (let i = 0; i < 10; i++) store.append(newEntry(i));
    await writer.close();
    // Overwrite the file's bytes in place (the open descriptor sees the change).
    const handle = await open(writer.path, 'r+');
    try {
      const { size } = await handle.stat();
      await handle.write(Buffer.alloc(size - 200, 0x20), 0, size - 200, 200);
    } finally {
      await handle.close();
    }
    const back = store.get(5);
    expect(back?.payload).toBe('');
    expect(back?.notes?.at(-1)?.code).toBe('payload-unavailable');
    const async = await store.getAsync(3);
    expect(async?.payload).toEqual(new Uint8Array(0));
    expect(async?.notes?.at(-1)?.code).toBe('payload-unavailable');
    expect(store.memoryStats().failedLoads).toBe(2);
  });
});
