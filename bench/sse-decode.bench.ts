/**
 * SSE decode throughput: Telltale's SseDecoder next to eventsource-parser's createParser on the
 * same bytes, cut into the same Uint8Array chunks (64 KiB, at arbitrary places, as socket reads
 * come). eventsource-parser takes strings, so its side includes a streaming TextDecoder per chunk,
 * as a real client pays it. SseDecoder also reports wire sizes, payload sizes and the SSE detail
 * of every event; eventsource-parser reports data, event and id. The non-ASCII row is where
 * SseDecoder pays for exact byte sizes: it locates the non-ASCII runs of each chunk's text.
 *
 *   node bench/sse-decode.bench.ts
 */
import { createParser } from 'eventsource-parser';
import { SseDecoder } from '../main/core/protocol/sse/sse-decoder.ts';

const CHUNK = 64 * 1024;
const STREAM_BYTES = 8 * 1024 * 1024;
const WARMUP_MS = 700;
const MEASURE_MS = 2500;
const ROUNDS = 3;

interface Workload {
  name: string;
  chunks: Uint8Array[];
  bytes: number;
  events: number;
  dataChars: number;
}

function workload(name: string, makeEvent: (i: number) => string): Workload {
  const parts: string[] = [];
  let size = 0;
  let events = 0;
  let dataChars = 0;
  while (size < STREAM_BYTES) {
    const e = makeEvent(events++);
    parts.push(e);
    size += e.length;
    dataChars += /^data: (.*)$/m.exec(e)?.[1]?.length ?? 0;
  }
  const all = new TextEncoder().encode(parts.join(''));
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(all.slice(at, at + CHUNK));
  return { name, chunks, bytes: all.length, events, dataChars };
}

function smallEvent(i: number): string {
  // ~50 bytes of JSON data, like a ticker or a token stream.
  return `data: {"seq":${100000 + (i % 900000)},"sym":"ACME","px":${(i % 997) + 0.25}}\n\n`;
}

const BIG = 'x'.repeat(4096 - 40);

const WORDS = ['héllo', 'wörld', '日本語', 'naïve', '😀', 'plain', 'ascii', 'text'];
function tokenEvent(i: number): string {
  // An LLM-style stream: typed events whose JSON holds non-ASCII text.
  const word = WORDS[i % WORDS.length] ?? '';
  return `event: delta\ndata: {"type":"content_block_delta","index":0,"delta":{"text":"${word}"}}\n\n`;
}
function bigEvent(i: number): string {
  return `id: ${i}\ndata: {"seq":${100000 + (i % 900000)},"blob":"${BIG}"}\n\n`;
}

function runOurs(w: Workload): number {
  let n = 0;
  const d = new SseDecoder({
    onOutput: (o) => {
      if (o.kind === 'event') n += o.payload.length;
    },
  });
  for (const c of w.chunks) d.feed(c);
  d.end();
  return n;
}

function runParser(w: Workload): number {
  let n = 0;
  const p = createParser({
    onEvent: (e) => {
      n += e.data.length;
    },
  });
  const td = new TextDecoder();
  for (const c of w.chunks) p.feed(td.decode(c, { stream: true }));
  p.feed(td.decode());
  return n;
}

/**
 * Best of ROUNDS timed windows per decoder, in bytes per millisecond. The decoders take turns
 * window by window, so a busy moment on the machine does not favour one of them.
 */
function measure(w: Workload, runs: readonly ((w: Workload) => number)[]): number[] {
  for (const run of runs) {
    const until = performance.now() + WARMUP_MS;
    while (performance.now() < until) check(run(w), w);
  }
  const best = runs.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    runs.forEach((run, i) => {
      let bytes = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < MEASURE_MS / ROUNDS) {
        check(run(w), w);
        bytes += w.bytes;
        t = performance.now();
      }
      best[i] = Math.max(best[i] ?? 0, bytes / (t - t0));
    });
  }
  return best;
}

/** Both sinks sum the data lengths: the events are used, and both decoders must agree. */
function check(got: number, w: Workload): void {
  if (got !== w.dataChars)
    throw new Error(`${w.name}: decoded ${got} data chars, expected ${w.dataChars}`);
}

export async function main(): Promise<void> {
  const workloads = [
    workload('small events (~50 B data)', smallEvent),
    workload('4 KiB events (with id)', bigEvent),
    workload('non-ASCII token stream (~90 B)', tokenEvent),
  ];
  const decoders = [
    ['SseDecoder (Telltale)', runOurs],
    ['eventsource-parser + TextDecoder', runParser],
  ] as const;
  const rows: string[][] = [];
  for (const w of workloads) {
    const perEvent = w.bytes / w.events;
    const results = measure(
      w,
      decoders.map(([, run]) => run),
    );
    decoders.forEach(([label], i) => {
      const bytesPerMs = results[i] ?? 0;
      rows.push([
        w.name,
        label,
        fmt((bytesPerMs * 1000) / perEvent, 0),
        fmt((bytesPerMs * 1000) / 1e6, 1),
      ]);
    });
    await Promise.resolve();
  }
  console.log(
    `SSE decode, ${STREAM_BYTES / 1024 / 1024} MiB streams fed as ${CHUNK / 1024} KiB Uint8Array chunks; ` +
      'eventsource-parser is given strings from a streaming TextDecoder (its cost included)',
  );
  printTable(['workload', 'decoder', 'events/s', 'MB/s'], rows);
}

function fmt(n: number, digits: number): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

if (import.meta.main) await main();
