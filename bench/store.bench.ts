/**
 * SessionStore: append rate and heap bytes per entry beyond the payload, at 1 M entries.
 *
 *   node --expose-gc bench/store.bench.ts
 *
 * Payload strings are built before the baseline heap reading and stay alive to the end, so the
 * heap delta is the store's own cost (entry objects, time boxes, indexes, frame details) and no
 * subtraction of estimated string sizes is needed. The NewEntry objects (and their frame details)
 * are created inside the timed loop, as a decoder would create them, and become garbage.
 */
import type { FrameDetail, NewEntry } from '../shared/model/entry.ts';
import { SessionStore } from '../main/core/session/store.ts';

const ENTRIES = 1_000_000;
const CONNECTIONS = 100;
const DISTINCT_PAYLOADS = 50_000;

export async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const connectionIds = Array.from({ length: CONNECTIONS }, (_, i) => `c${i + 1}`);
  // Realistic small messages: a few shared heartbeats plus many distinct short JSON texts,
  // reused across the million entries (payload bytes are not what this measures).
  const payloads: string[] = ['{"type":"ping"}', '{"type":"pong"}', 'keep-alive'];
  for (let i = payloads.length; i < DISTINCT_PAYLOADS; i++) {
    payloads.push(JSON.stringify({ type: 'tick', symbol: `S${i % 97}`, price: 100 + i / 1000 }));
  }
  let payloadChars = 0;
  for (const p of payloads) payloadChars += p.length;

  const store = new SessionStore();
  // A subscriber, as the app always has one: entries are batched on their way to it.
  let delivered = 0;
  const unsubscribe = store.subscribe((batch) => {
    delivered += batch.entries.length;
  });

  const heapBefore = settledHeap(gc);
  const t0 = performance.now();
  const timeBase = Date.now();
  for (let i = 0; i < ENTRIES; i++) {
    const connectionId = connectionIds[i % CONNECTIONS] ?? 'c0';
    const payload = payloads[i % DISTINCT_PAYLOADS] ?? '';
    store.append(makeEntry(i, connectionId, payload, timeBase));
  }
  const elapsedMs = performance.now() - t0;
  store.flush();
  const heapAfter = settledHeap(gc);
  unsubscribe();

  const rate = ENTRIES / (elapsedMs / 1000);
  console.log(`store: ${fmt(ENTRIES)} entries over ${CONNECTIONS} connections`);
  console.log(
    `store append: ${fmt(Math.round(rate))} entries/s (${elapsedMs.toFixed(0)} ms, NewEntry creation included)`,
  );
  if (gc === undefined || heapBefore === undefined || heapAfter === undefined) {
    console.log(
      'store memory: needs global.gc() for a meaningful figure; run `node --expose-gc bench/store.bench.ts`',
    );
  } else {
    const perEntry = (heapAfter - heapBefore) / ENTRIES;
    console.log(
      `store memory: ${perEntry.toFixed(1)} bytes/entry beyond payload ` +
        `(heapUsed after gc, after − before appending; the ${fmt(DISTINCT_PAYLOADS)} payload strings, ` +
        `${fmt(payloadChars)} chars, were allocated before the baseline and are shared by reference)`,
    );
  }
  // Keep everything reachable until after the last heap reading.
  if (delivered !== ENTRIES || store.size !== ENTRIES || payloads.length === 0) {
    throw new Error(`bench sanity check failed: ${delivered} delivered, ${store.size} stored`);
  }
  store.dispose();
  await Promise.resolve();
}

/** Mostly WS text with frame detail, some SSE events, a few lifecycle notes. */
function makeEntry(i: number, connectionId: string, payload: string, timeBase: number): NewEntry {
  const time = timeBase + i * 0.137;
  const size = payload.length;
  if (i % 10 === 9) {
    return {
      connectionId,
      time,
      direction: 'in',
      kind: 'event',
      payload,
      payloadSize: size,
      wireSize: size + 7,
      sse: { event: 'message', lastEventId: String(i) },
    };
  }
  if (i % 1000 === 999) {
    return {
      connectionId,
      time,
      direction: 'in',
      kind: 'lifecycle',
      payload: 'open',
      payloadSize: 4,
      wireSize: 0,
      lifecycle: 'open',
    };
  }
  const out = (i & 1) === 0;
  const frame: FrameDetail = {
    opcode: 1,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    masked: out,
    fragments: 1,
  };
  return {
    connectionId,
    time,
    direction: out ? 'out' : 'in',
    kind: 'text',
    payload,
    payloadSize: size,
    wireSize: size + (out ? 6 : 2),
    frame,
  };
}

function settledHeap(gc: (() => void) | undefined): number | undefined {
  if (gc === undefined) return undefined;
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

if (import.meta.main) {
  await main();
}
