/**
 * The proxy's cost, side by side: direct; a plain Node TCP pipe (the floor for any Node proxy);
 * Telltale (full decoding and recording in its in-memory store); Telltale decoding everything
 * but keeping no entries (the core's own memory); http-proxy (ws: true); mockttp passthrough.
 *
 *   node --expose-gc bench/proxy.bench.ts          (PROXY_BENCH_SECONDS=3 by default)
 *
 * Each proxy runs in its own process, as does the upstream; this process is the load. CPU is
 * the proxy child's own user+sys (process.cpuUsage) over the measured phase, per message.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

const SECONDS = Number(process.env.PROXY_BENCH_SECONDS ?? '3');
const SSE_EVENTS = Number(process.env.PROXY_BENCH_SSE_EVENTS ?? '1000000');
const SSE_RSS_EVENTS = Number(process.env.PROXY_BENCH_SSE_RSS_EVENTS ?? '2000000');
const RUN_TIMEOUT_MS = 120_000;

type Kind = 'direct' | 'pipe' | 'telltale' | 'telltale-discard' | 'http-proxy' | 'mockttp';
const KINDS: Kind[] = ['direct', 'pipe', 'telltale', 'telltale-discard', 'http-proxy', 'mockttp'];
const LABEL: Record<Kind, string> = {
  direct: 'direct',
  pipe: 'net pipe',
  telltale: 'Telltale',
  'telltale-discard': 'Telltale (no store)',
  'http-proxy': 'http-proxy',
  mockttp: 'mockttp',
};

interface Usage {
  cpu: NodeJS.CpuUsage;
  rss: number;
  peakRss: number;
}

interface Child {
  process: ChildProcess;
  port: number;
  ask(message: 'usage' | 'reset'): Promise<Usage>;
}

async function spawnChild(script: string, args: string[]): Promise<Child> {
  const child = fork(new URL(script, import.meta.url), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => {
      resolve((m as { port: number }).port);
    });
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${code}`));
    });
  });
  return {
    process: child,
    port,
    ask: (message) =>
      new Promise((resolve) => {
        child.once('message', (m) => {
          resolve(m as Usage);
        });
        child.send(message);
      }),
  };
}

const cpuMicros = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number =>
  b.user - a.user + (b.system - a.system);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function openWs(port: number, path = '/echo'): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
    perMessageDeflate: false,
    maxPayload: 1 << 30,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** Echoes of `size` bytes offered at `rate`/s for SECONDS; latency per echo (µs). */
async function echoAtRate(
  port: number,
  rate: number,
  size: number,
): Promise<{ echoes: number; lat: number[] }> {
  const ws = await openWs(port);
  const sentAt = new Map<number, number>();
  const lat: number[] = [];
  let echoes = 0;
  ws.on('message', (data: Buffer) => {
    const id = data.readUInt32LE(0);
    const t = sentAt.get(id);
    if (t !== undefined) {
      lat.push((performance.now() - t) * 1000);
      sentAt.delete(id);
    }
    echoes += 1;
  });
  const payload = Buffer.alloc(size, 1);
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= SECONDS) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * rate);
      while (sent < due) {
        const message = Buffer.from(payload);
        message.writeUInt32LE(sent, 0);
        sentAt.set(sent, performance.now());
        ws.send(message);
        sent += 1;
      }
    }, 1);
  });
  const deadline = Date.now() + 5000;
  while (echoes < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  ws.terminate();
  return { echoes, lat: lat.sort((a, b) => a - b) };
}

/** 64 KiB echoes with 8 in flight, as fast as they go, for SECONDS. */
async function echoSaturated(port: number): Promise<{ echoes: number; perSecond: number }> {
  const ws = await openWs(port);
  const payload = Buffer.alloc(64 * 1024, 2);
  let echoes = 0;
  let stop = false;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    ws.on('message', () => {
      echoes += 1;
      if (performance.now() - start >= SECONDS * 1000) stop = true;
      if (!stop) ws.send(payload);
      else resolve();
    });
    for (let i = 0; i < 8; i++) ws.send(payload);
  });
  const elapsed = (performance.now() - start) / 1000;
  ws.terminate();
  return { echoes, perSecond: echoes / elapsed };
}

/** One 32-byte message in flight at a time. */
async function pingPong(port: number, count: number): Promise<number[]> {
  const ws = await openWs(port);
  const payload = Buffer.alloc(32, 3);
  const lat: number[] = [];
  await new Promise<void>((resolve) => {
    let t = performance.now();
    ws.on('message', () => {
      lat.push((performance.now() - t) * 1000);
      if (lat.length >= count) {
        resolve();
        return;
      }
      t = performance.now();
      ws.send(payload);
    });
    ws.send(payload);
  });
  ws.terminate();
  return lat.sort((a, b) => a - b);
}

/** Reads an event stream of `n` 100-byte events; events/s. */
async function sseRun(port: number, n: number): Promise<{ events: number; perSecond: number }> {
  const start = performance.now();
  const events = await new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/sse?n=${n}`, agent: false }, (res) => {
      let count = 0;
      let lastWasLf = false;
      res.on('data', (chunk: Buffer) => {
        let at = chunk.indexOf(10);
        while (at >= 0) {
          if (at === 0 ? lastWasLf : chunk[at - 1] === 10) count += 1;
          at = chunk.indexOf(10, at + 1);
        }
        lastWasLf = chunk[chunk.length - 1] === 10;
      });
      res.on('end', () => {
        resolve(count);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(RUN_TIMEOUT_MS, () => req.destroy(new Error('timed out')));
  });
  return { events, perSecond: events / ((performance.now() - start) / 1000) };
}

/** A WebSocket reader at ~1 MB/s under a server that writes as fast as the socket takes. */
async function slowReader(port: number): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(
    `GET /flood?ms=${SECONDS * 1000} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  socket.pause();
  let read = 0;
  const timer = setInterval(() => {
    const chunk = socket.read(Math.min(socket.readableLength, 10_000)) as Buffer | null;
    if (chunk) read += chunk.length;
  }, 10);
  await new Promise((r) => setTimeout(r, SECONDS * 1000 + 500));
  clearInterval(timer);
  socket.destroy();
  return read;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const mib = (bytes: number): string => fmt(bytes / 1024 / 1024, 0);

interface Row {
  kind: Kind;
  cpu1k: number;
  cpu10k: number;
  cpu64k: number;
  rate64k: number;
  p50at1k: number;
  p99at1k: number;
  p50one: number;
  p99one: number;
  sseRate: number;
  sseCpu: number;
  rssSse: number;
  rssSlow: number;
  notes: string[];
}

async function measure(kind: Kind, upstreamPort: number): Promise<Row> {
  const row: Row = {
    kind,
    cpu1k: NaN,
    cpu10k: NaN,
    cpu64k: NaN,
    rate64k: NaN,
    p50at1k: NaN,
    p99at1k: NaN,
    p50one: NaN,
    p99one: NaN,
    sseRate: NaN,
    sseCpu: NaN,
    rssSse: NaN,
    rssSlow: NaN,
    notes: [],
  };
  const child =
    kind === 'direct' ? null : await spawnChild('./proxy-child.ts', [kind, String(upstreamPort)]);
  const port = child?.port ?? upstreamPort;
  const phase = async <T>(
    name: string,
    work: () => Promise<T>,
  ): Promise<{ result: T; cpu: number; peakRss: number } | null> => {
    try {
      const before = await child?.ask('reset');
      const result = await Promise.race([
        work(),
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            reject(new Error('timed out'));
          }, RUN_TIMEOUT_MS),
        ),
      ]);
      const after = await child?.ask('usage');
      return {
        result,
        cpu: before && after ? cpuMicros(before.cpu, after.cpu) : NaN,
        peakRss: after?.peakRss ?? NaN,
      };
    } catch (error) {
      row.notes.push(`${name}: ${(error as Error).message}`);
      return null;
    }
  };
  const at1k = await phase('1k/s', () => echoAtRate(port, 1000, 1024));
  if (at1k) {
    row.cpu1k = at1k.cpu / at1k.result.echoes;
    row.p50at1k = percentile(at1k.result.lat, 50);
    row.p99at1k = percentile(at1k.result.lat, 99);
  }
  const at10k = await phase('10k/s', () => echoAtRate(port, 10_000, 1024));
  if (at10k) {
    row.cpu10k = at10k.cpu / at10k.result.echoes;
    if (at10k.result.echoes < 10_000 * SECONDS * 0.95)
      row.notes.push(`10k/s: only ${at10k.result.echoes} echoes`);
  }
  const big = await phase('64 KiB', () => echoSaturated(port));
  if (big) {
    row.cpu64k = big.cpu / big.result.echoes;
    row.rate64k = big.result.perSecond;
  }
  const one = await phase('1 in flight', () => pingPong(port, 5000));
  if (one) {
    row.p50one = percentile(one.result, 50);
    row.p99one = percentile(one.result, 99);
  }
  const sse = await phase('SSE', () => sseRun(port, SSE_EVENTS));
  if (sse) {
    row.sseRate = sse.result.perSecond;
    row.sseCpu = sse.cpu / sse.result.events;
    if (sse.result.events !== SSE_EVENTS)
      row.notes.push(`SSE: ${sse.result.events} events arrived`);
  }
  const sseRss = await phase('SSE RSS', () => sseRun(port, SSE_RSS_EVENTS));
  if (sseRss) row.rssSse = sseRss.peakRss;
  const slow = await phase('slow reader', () => slowReader(port));
  if (slow) row.rssSlow = slow.peakRss;
  child?.process.kill();
  return row;
}

export async function main(): Promise<void> {
  const upstream = await spawnChild('./proxy-upstream.ts', []);
  const only = process.env.PROXY_BENCH_ONLY?.split(',') as Kind[] | undefined;
  const rows: Row[] = [];
  for (const kind of only ?? KINDS) {
    rows.push(await measure(kind, upstream.port));
  }
  upstream.process.kill();
  const pipe = rows.find((r) => r.kind === 'pipe');
  const direct = rows.find((r) => r.kind === 'direct');
  console.log(
    `${SECONDS} s per load phase; SSE ${SSE_EVENTS.toLocaleString('en')} events of 100 B (RSS: ${SSE_RSS_EVENTS.toLocaleString('en')}); CPU = proxy child user+sys`,
  );
  const header = [
    'path',
    'CPU µs/echo 1k/s',
    '10k/s',
    '64KiB',
    '64KiB echo/s',
    'p50/p99 µs @1k',
    'p50/p99 µs 1-in-flight',
    'SSE ev/s',
    'CPU µs/event',
    'peak RSS MiB SSE 2M',
    'slow reader',
  ];
  console.log(header.join(' | '));
  for (const r of rows) {
    console.log(
      [
        LABEL[r.kind],
        fmt(r.cpu1k),
        fmt(r.cpu10k),
        fmt(r.cpu64k),
        fmt(r.rate64k, 0),
        `${fmt(r.p50at1k, 0)}/${fmt(r.p99at1k, 0)}`,
        `${fmt(r.p50one, 0)}/${fmt(r.p99one, 0)}`,
        fmt(r.sseRate, 0),
        fmt(r.sseCpu, 2),
        mib(r.rssSse),
        mib(r.rssSlow),
      ].join(' | '),
    );
  }
  if (pipe) {
    console.log(
      '\nratios to the net pipe (targets: CPU 1k/10k ≤ 1.3×, 64 KiB ≤ 2×; added p50 ≤ pipe + 40 µs; SSE ≥ 0.95× direct):',
    );
    for (const r of rows.filter((x) => x.kind !== 'direct' && x.kind !== 'pipe')) {
      console.log(
        `  ${LABEL[r.kind]}: CPU 1k ${fmt(r.cpu1k / pipe.cpu1k, 2)}×, 10k ${fmt(r.cpu10k / pipe.cpu10k, 2)}×, 64KiB ${fmt(r.cpu64k / pipe.cpu64k, 2)}×; ` +
          `p50 1-in-flight +${fmt(r.p50one - pipe.p50one, 0)} µs over pipe; SSE ${fmt(r.sseRate / (direct?.sseRate ?? NaN), 2)}× direct`,
      );
    }
  }
  for (const r of rows)
    if (r.notes.length) console.log(`  note ${LABEL[r.kind]}: ${r.notes.join('; ')}`);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
