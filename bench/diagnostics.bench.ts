/**
 * The diagnostics rule engine over 1,000,000 entries: 200 connections (100 SSE streams with ids,
 * comments and a retry; 100 WebSockets with text, pings and pongs), fed as an opened session is,
 * then every rule checked once. Also the live path: the same entries in 16-entry batches with a
 * findings() call after each, as LiveDiagnostics runs on the change feed.
 *
 *   node bench/diagnostics.bench.ts
 */
import type { Connection } from '../shared/model/connection.ts';
import type { Entry } from '../shared/model/entry.ts';
import { DiagnosticsEngine } from '../main/core/diagnostics/engine.ts';

const ENTRIES = 1_000_000;
const CONNECTIONS = 200;

function connections(): Connection[] {
  return Array.from({ length: CONNECTIONS }, (_, i): Connection => {
    const sse = i % 2 === 0;
    return {
      id: `c${i}`,
      kind: sse ? 'sse' : 'ws',
      source: 'proxy',
      url: sse ? `http://127.0.0.1:1/feed/${i}` : `ws://127.0.0.1:2/socket`,
      method: 'GET',
      requestHeaders: [['Accept', sse ? 'text/event-stream' : '*/*']],
      response: {
        status: sse ? 200 : 101,
        statusText: '',
        headers: sse
          ? [
              ['Content-Type', 'text/event-stream'],
              ['Cache-Control', 'no-cache'],
            ]
          : [['Sec-WebSocket-Extensions', 'permessage-deflate']],
      },
      state: 'closed',
      ...(sse ? {} : { closeCode: 1000 }),
      openedAt: 0,
      closedAt: ENTRIES,
      bytesOut: 0,
      bytesIn: 0,
    };
  });
}

function entries(): Entry[] {
  const out: Entry[] = new Array<Entry>(ENTRIES);
  for (let seq = 1; seq <= ENTRIES; seq++) {
    const c = seq % CONNECTIONS;
    const sse = c % 2 === 0;
    const k = Math.floor(seq / CONNECTIONS);
    const base = {
      seq,
      connectionId: `c${c}`,
      time: seq,
      direction: 'in' as const,
      payloadSize: 40,
      wireSize: 48,
    };
    out[seq - 1] = sse
      ? k % 10 === 9
        ? { ...base, kind: 'comment', payload: 'keep-alive' }
        : {
            ...base,
            kind: 'event',
            payload: '{"n":1}',
            sse: {
              event: 'message',
              lastEventId: String(k),
              id: String(k),
              ...(k <= 1 ? { retry: 1000 } : {}),
            },
          }
      : k % 20 === 0
        ? { ...base, kind: 'ping', direction: 'out', payload: new Uint8Array(0) }
        : k % 20 === 1
          ? { ...base, kind: 'pong', payload: new Uint8Array(0) }
          : { ...base, kind: 'text', payload: '{"n":1}' };
  }
  return out;
}

export async function main(): Promise<void> {
  await Promise.resolve();
  const conns = connections();
  const list = entries();
  for (const live of [false, true]) {
    let bestMs = Infinity;
    let findings: string[] = [];
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      const engine = new DiagnosticsEngine();
      for (const c of conns) engine.observeConnection(c);
      let i = 0;
      for (const entry of list) {
        engine.observeEntry(entry);
        if (live && ++i % 16 === 0) engine.findings(entry.time);
      }
      findings = engine.findings(ENTRIES).map((f) => f.rule);
      bestMs = Math.min(bestMs, performance.now() - start);
    }
    console.log(
      `${live ? 'live (findings every 16 entries)' : 'opened session'}: ${ENTRIES.toLocaleString('en-US')} entries over ${CONNECTIONS} connections in ${bestMs.toFixed(0)} ms = ${Math.round(ENTRIES / (bestMs / 1000)).toLocaleString('en-US')} entries/s; findings: ${summarize(findings)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();

function summarize(rules: string[]): string {
  const counts = new Map<string, number>();
  for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  return [...counts].map(([rule, n]) => `${rule} ×${n}`).join(', ');
}
