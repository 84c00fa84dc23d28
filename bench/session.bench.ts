/**
 * Session files at 1 M entries: journal write throughput while a store captures, then time and
 * peak memory to open the NDJSON journal, export it to HAR, and import that HAR back. Then a
 * 1 GB session (1 M entries of ~1 KiB) captured through a journal with a 64 MiB payload budget:
 * peak memory while capturing, random read-back of evicted payloads, and opening that file.
 *
 *   node --expose-gc bench/session.bench.ts     (ENTRIES=200000 LARGE_ENTRIES=200000: quicker;
 *                                                ENTRIES=0: only the 1 GB session)
 *
 * The 1 GB rows also report the most payload bytes the store held at once (sampled after every
 * burst) and the heap left after a full GC at the end, i.e. what is really retained; peak
 * heapUsed also counts garbage V8 has not collected yet (its old generation grows to a few
 * times the live size before a full GC). Run them under `--max-old-space-size=512` to see
 * that the capture and the open fit a bounded heap.
 *
 * Peak memory is sampled every 10 ms (RSS and heapUsed) while each step runs, after a GC and with
 * the previous step's store dropped, so each figure is that step's own. Temp files go under
 * os.tmpdir() and are deleted.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEntry } from '../shared/model/entry.ts';
import { writeHarFile } from '../main/core/session/har-export.ts';
import { readHarSession } from '../main/core/session/har-import.ts';
import { readNdjsonSession } from '../main/core/session/ndjson-reader.ts';
import { NdjsonSessionWriter } from '../main/core/session/ndjson-writer.ts';
import { SessionStore } from '../main/core/session/store.ts';

const MB_ = 1024 * 1024;
const ENTRIES = Number(process.env.ENTRIES ?? 1_000_000);
const LARGE_ENTRIES = Number(process.env.LARGE_ENTRIES ?? 1_000_000);
const LARGE_PAYLOAD = 1024;
const BUDGET = 64 * MB_;
const RANDOM_READS = 10_000;
const CONNECTIONS = 100;
/** Entries appended between yields to the event loop, as a decoder delivers a socket read. */
const BURST = 1000;
const MB = MB_;

export async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'telltale-session-bench-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function run(dir: string): Promise<void> {
  if (ENTRIES > 0) await small(dir);
  await large(dir);
}

async function small(dir: string): Promise<void> {
  const journal = join(dir, 'session.ndjson');
  const har = join(dir, 'session.har');
  const payloads = makePayloads();

  // 1. Capture rate without and with the journal following the store.
  const bare = await capture(payloads, undefined);
  const journaled = await capture(payloads, journal);
  const size = (await stat(journal)).size;
  console.log(
    `journal: ${fmt(ENTRIES)} entries over ${CONNECTIONS} connections, ${(size / MB).toFixed(0)} MB NDJSON`,
  );
  console.log(
    `capture rate: ${fmt(bare)} entries/s in memory; ${fmt(journaled)} entries/s with the journal written (${((1 - journaled / bare) * 100).toFixed(0)}% cost)`,
  );

  // 2. Open the journal.
  // Held in an object so that dropping it before the import frees it for the GC.
  const held: { store?: SessionStore } = {};
  const open = await measure(async () => {
    held.store = (await readNdjsonSession(journal)).store;
  });
  report(`open ${fmt(ENTRIES)}-entry NDJSON`, open, 'target: < 5 s, heap < 300 MB');

  // 3. Export it to HAR (the store stays; its heap is the baseline here).
  const exported = await measure(async () => {
    if (held.store === undefined) throw new Error('bench: no store');
    await writeHarFile(har, held.store, { redact: true });
  });
  console.log(`HAR file: ${((await stat(har)).size / MB).toFixed(0)} MB`);
  report('export to HAR (store held)', exported);
  delete held.store;

  // 4. Import the HAR back.
  let imported = 0;
  const reimport = await measure(async () => {
    imported = (await readHarSession(har)).store.size;
  });
  report(`import HAR back (${fmt(imported)} entries)`, reimport);
  await rm(har);
  await rm(journal);
}

/** 1 GB of payload through a journal with a 64 MiB budget, then random reads, then reopen. */
async function large(dir: string): Promise<void> {
  const journal = join(dir, 'large.ndjson');
  const held: { store?: SessionStore } = {};
  let maxResident = 0;
  let maxUnstored = 0;
  const captured = await measure(async () => {
    const store = new SessionStore({ payloadBudget: BUDGET });
    held.store = store;
    const writer = new NdjsonSessionWriter(journal, { store });
    addConnections(store, Date.now());
    const filler = 'x'.repeat(LARGE_PAYLOAD - 30);
    const socketBytes = Buffer.alloc(LARGE_PAYLOAD + 32);
    const timeBase = Date.now();
    for (let i = 0; i < LARGE_ENTRIES; i++) {
      // Distinct flat strings decoded from bytes, as a socket gives: a template literal would
      // be a rope sharing `filler`, which flatters the heap.
      const length = socketBytes.write(`{"i":${String(i)},"pad":"${filler}"}`, 'latin1');
      const payload = socketBytes.toString('latin1', 0, length);
      store.append({
        connectionId: `c${i % CONNECTIONS}`,
        time: timeBase + i / 10,
        direction: 'in',
        kind: 'text',
        payload,
        payloadSize: payload.length,
        wireSize: payload.length + 4,
      });
      if (i % BURST === BURST - 1) {
        const { residentBytes, unstoredBytes } = store.memoryStats();
        maxResident = Math.max(maxResident, residentBytes);
        maxUnstored = Math.max(maxUnstored, unstoredBytes);
        await yieldToLoop();
      }
    }
    store.flush();
    await writer.close();
  });
  const size = (await stat(journal)).size;
  if (held.store === undefined) throw new Error('bench: no store');
  report(
    `capture ${fmt(LARGE_ENTRIES)} × ${LARGE_PAYLOAD} B entries through the journal (${(size / MB).toFixed(0)} MB file), budget ${(BUDGET / MB).toFixed(0)} MiB: ${fmt(held.store.memoryStats().evictedEntries)} payloads evicted`,
    captured,
  );
  console.log(
    `  most payload held at once: ${(maxResident / MB).toFixed(1)} MiB (of it not yet in the file: ${(maxUnstored / MB).toFixed(1)} MiB); heap after a full GC: ${liveHeapMb()} MB`,
  );
  readBack(held.store, 'captured store');
  // No other reference to it, so the open below is measured without it.
  delete held.store;

  const open = await measure(async () => {
    held.store = (await readNdjsonSession(journal, { store: { payloadBudget: BUDGET } })).store;
  });
  report(
    `open the ${(size / MB).toFixed(0)} MB session, budget ${(BUDGET / MB).toFixed(0)} MiB`,
    open,
  );
  const opened = held.store as SessionStore | undefined;
  if (opened === undefined) throw new Error('bench: no opened store');
  console.log(
    `  payload held after open: ${(opened.memoryStats().residentBytes / MB).toFixed(1)} MiB; heap after a full GC: ${liveHeapMb()} MB`,
  );
  readBack(opened, 'opened store');
}

function readBack(store: SessionStore, what: string): void {
  let bytes = 0;
  let seed = 12345;
  const t0 = performance.now();
  for (let k = 0; k < RANDOM_READS; k++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // The oldest 90 %: evicted under a 64 MiB budget.
    const seq = 1 + (seed % Math.floor(store.size * 0.9));
    const entry = store.get(seq);
    if (
      entry === undefined ||
      typeof entry.payload !== 'string' ||
      !entry.payload.startsWith(`{"i":${String(seq - 1)},`)
    ) {
      throw new Error(`bench: read back the wrong payload for seq ${seq}`);
    }
    bytes += entry.payload.length;
  }
  const us = ((performance.now() - t0) * 1000) / RANDOM_READS;
  console.log(
    `  ${what}: ${fmt(RANDOM_READS)} random get() of evicted entries: ${us.toFixed(1)} µs each (${(bytes / MB).toFixed(1)} MB read back, checked)`,
  );
}

// ── capture ──────────────────────────────────────────────────────────────────

async function capture(payloads: string[], journal: string | undefined): Promise<number> {
  const store = new SessionStore();
  const writer = journal === undefined ? undefined : new NdjsonSessionWriter(journal, { store });
  const timeBase = Date.now();
  addConnections(store, timeBase);
  const t0 = performance.now();
  for (let i = 0; i < ENTRIES; i++) {
    store.append(makeEntry(i, payloads, timeBase));
    if (i % BURST === BURST - 1) await yieldToLoop();
  }
  store.flush();
  await writer?.close();
  const seconds = (performance.now() - t0) / 1000;
  store.dispose();
  return Math.round(ENTRIES / seconds);
}

function addConnections(store: SessionStore, timeBase: number): void {
  for (let c = 0; c < CONNECTIONS; c++) {
    store.addConnection({
      id: `c${c}`,
      kind: 'ws',
      source: 'client',
      url: `ws://127.0.0.1:9/${c}`,
      method: 'GET',
      requestHeaders: [['Authorization', 'Bearer x']],
      state: 'open',
      openedAt: timeBase,
      bytesOut: 0,
      bytesIn: 0,
    });
  }
}

function makePayloads(): string[] {
  const payloads = ['{"type":"ping"}', '{"type":"pong"}'];
  for (let i = 2; i < 50_000; i++) {
    payloads.push(JSON.stringify({ type: 'tick', symbol: `S${i % 97}`, price: 100 + i / 1000 }));
  }
  return payloads;
}

function makeEntry(i: number, payloads: string[], timeBase: number): NewEntry {
  const payload = payloads[i % payloads.length] ?? '';
  if (i % 50 === 49) {
    return {
      connectionId: `c${i % CONNECTIONS}`,
      time: timeBase + i / 10,
      direction: 'in',
      kind: 'binary',
      payload: new Uint8Array([i & 0xff, 1, 2, 3]),
      payloadSize: 4,
      wireSize: 6,
      frame: {
        opcode: 2,
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        masked: false,
        fragments: 1,
      },
    };
  }
  const out = i % 2 === 0;
  return {
    connectionId: `c${i % CONNECTIONS}`,
    time: timeBase + i / 10,
    direction: out ? 'out' : 'in',
    kind: 'text',
    payload,
    payloadSize: payload.length,
    wireSize: payload.length + (out ? 6 : 2),
    frame: {
      opcode: 1,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      masked: out,
      fragments: 1,
    },
  };
}

// ── measuring ────────────────────────────────────────────────────────────────

interface Measured {
  ms: number;
  peakRss: number;
  peakHeap: number;
  baseHeap: number;
}

async function measure(step: () => Promise<void>): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  try {
    await step();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  sample();
  return { ms, peakRss, peakHeap, baseHeap: base.heapUsed };
}

function report(what: string, m: Measured, target?: string): void {
  console.log(
    `${what}: ${(m.ms / 1000).toFixed(2)} s, peak heapUsed ${(m.peakHeap / MB).toFixed(0)} MB (${((m.peakHeap - m.baseHeap) / MB).toFixed(0)} MB above the start), peak RSS ${(m.peakRss / MB).toFixed(0)} MB${target === undefined ? '' : ` (${target})`}`,
  );
}

/** heapUsed after a full GC ("?" without --expose-gc). */
function liveHeapMb(): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return '?';
  gc();
  return (process.memoryUsage().heapUsed / MB).toFixed(0);
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

if (import.meta.main) {
  if ((globalThis as { gc?: () => void }).gc === undefined) {
    console.log('(run with node --expose-gc for per-step memory figures)');
  }
  await main();
}
