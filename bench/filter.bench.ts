/**
 * Filters over the session store: entries scanned per second by queryEntries for a few typical
 * filters, at 1 M entries (mixed text, JSON, binary and control frames over 100 connections).
 *
 *   node bench/filter.bench.ts
 *
 * Each filter is run three times, round-robin, and the best run is printed: the store is
 * in memory, so the figure is the evaluator's cost (parsing a filter is negligible).
 */
import { queryEntries } from '../main/core/filter/query.ts';
import { SessionStore } from '../main/core/session/store.ts';
import type { Connection } from '../shared/model/connection.ts';
import type { NewEntry } from '../shared/model/entry.ts';

const ENTRIES = 1_000_000;
const CONNECTIONS = 100;
const ROUNDS = 3;

const FILTERS = [
  '',
  '-kind:ping,pong',
  'dir:in size>100',
  'tick',
  '/S4[0-9]/',
  'json:type=tick',
  'json:price>150',
  'kind:binary deadbeef',
  'url:c43 (tick OR json:$.type=ping)',
];

function makeEntry(i: number): NewEntry {
  const connectionId = `c${(i % CONNECTIONS) + 1}`;
  const base = {
    connectionId,
    time: 1_700_000_000_000 + i,
    direction: i % 3 === 0 ? 'out' : 'in',
  } as const;
  if (i % 20 === 0)
    return { ...base, kind: 'ping', payload: new Uint8Array(0), payloadSize: 0, wireSize: 2 };
  if (i % 20 === 1)
    return { ...base, kind: 'pong', payload: new Uint8Array(0), payloadSize: 0, wireSize: 2 };
  if (i % 10 === 5) {
    const payload = new Uint8Array(Buffer.from(`binary ${i.toString(16)} deadbeef`));
    return {
      ...base,
      kind: 'binary',
      payload,
      payloadSize: payload.length,
      wireSize: payload.length + 2,
    };
  }
  const payload = JSON.stringify({
    type: i % 7 === 0 ? 'ping' : 'tick',
    symbol: `S${i % 97}`,
    price: 100 + (i % 1000) / 10,
  });
  return {
    ...base,
    kind: 'text',
    payload,
    payloadSize: payload.length,
    wireSize: payload.length + 2,
  };
}

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

export async function main(): Promise<void> {
  const store = new SessionStore();
  for (let c = 1; c <= CONNECTIONS; c++) store.addConnection(connection(`c${c}`));
  for (let i = 0; i < ENTRIES; i++) store.append(makeEntry(i));
  store.flush();

  const best = new Map<string, { ms: number; total: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const filter of FILTERS) {
      const t0 = performance.now();
      const result = queryEntries(store, filter, { limit: 10_000 });
      const ms = performance.now() - t0;
      if (result.error !== undefined) throw new Error(`${filter}: ${result.error.message}`);
      const previous = best.get(filter);
      if (previous === undefined || ms < previous.ms) best.set(filter, { ms, total: result.total });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(`filter: ${fmt(ENTRIES)} entries over ${CONNECTIONS} connections, best of ${ROUNDS}`);
  for (const [filter, { ms, total }] of best) {
    const rate = ENTRIES / (ms / 1000);
    console.log(
      `filter ${JSON.stringify(filter).padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${fmt(Math.round(rate)).padStart(12)} entries/s  ${fmt(total).padStart(9)} matches`,
    );
  }
  store.dispose();
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

if (import.meta.main) {
  await main();
}
