/**
 * The proxy's cost, side by side: direct; a plain Node TCP pipe (the floor for any Node proxy),
 * with Node's defaults (Nagle on) and with TCP_NODELAY as Telltale sets it; Telltale (full
 * decoding and recording, as `telltale proxy` without --save runs: a session store spilling
 * payloads past its budget to a private journal); the same with protocol dissection on (issue
 * 9: ProtocolViews on the store); Telltale decoding everything but keeping no entries (the core's
 * own cost and memory); http-proxy (ws: true); mockttp passthrough.
 *
 *   node --expose-gc bench/proxy.bench.ts          (PROXY_BENCH_SECONDS=3 by default)
 *
 * PROXY_BENCH_ONLY=pipe,telltale picks paths (direct, pipe, pipe-nodelay, telltale,
 * telltale-dissect, telltale-discard, http-proxy, mockttp); PROXY_BENCH_PHASES picks loads
 * (1k, 10k, 64k, 1if, rpc, sse, sse-rss, slow; `rpc` is 1 KiB JSON-RPC requests at 1k/s answered
 * by results, what the JSON-RPC dissector reads and pairs); PROXY_BENCH_RUNS=3 repeats the whole
 * set and reports medians with their spread; PROXY_BENCH_WARMUP_SECONDS (default 1) of
 * unmeasured echoes precede each path's phases; PROXY_BENCH_CHILD_ARGS adds Node flags to the
 * proxy children (`--cpu-prof --cpu-prof-dir=DIR` profiles them).
 *
 * Each proxy runs in its own process, as does the upstream; this process is the load. CPU is
 * the proxy child's own user+sys (process.cpuUsage, all its threads) over the measured phase,
 * per message; for SSE the client's and the upstream's CPU are shown too (how 2 cores are shared).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  echoAtRate,
  echoSaturated,
  jsonRpcEcho,
  percentile,
  pingPong,
  slowReader,
  sseRun,
} from './proxy-loads.ts';
import { emptyRow, printReport } from './proxy-report.ts';
import type { Kind, Row } from './proxy-report.ts';

const SECONDS = Number(process.env.PROXY_BENCH_SECONDS ?? '3');
const SSE_EVENTS = Number(process.env.PROXY_BENCH_SSE_EVENTS ?? '1000000');
const SSE_RSS_EVENTS = Number(process.env.PROXY_BENCH_SSE_RSS_EVENTS ?? '2000000');
const WARMUP_SECONDS = Number(process.env.PROXY_BENCH_WARMUP_SECONDS ?? '1');
const RUN_TIMEOUT_MS = 120_000;

/** Extra Node flags for the proxy children, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const CHILD_ARGS = process.env.PROXY_BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? [];
const RUNS = Number(process.env.PROXY_BENCH_RUNS ?? '1');
const KINDS: Kind[] = [
  'direct',
  'pipe',
  'pipe-nodelay',
  'telltale',
  'telltale-dissect',
  'telltale-discard',
  'http-proxy',
  'mockttp',
];
const PHASES = ['1k', '10k', '64k', '1if', 'rpc', 'sse', 'sse-rss', 'slow'] as const;
type Phase = (typeof PHASES)[number];
const only = new Set(process.env.PROXY_BENCH_PHASES?.split(',') ?? PHASES);
const runs = (phase: Phase): boolean => only.has(phase);

interface Usage {
  cpu: NodeJS.CpuUsage;
  rss: number;
  peakRss: number;
  entries?: number;
  residentPayload?: number;
  dissected?: string;
}

interface Child {
  process: ChildProcess;
  port: number;
  ask(message: 'usage' | 'reset' | 'reset-rss'): Promise<Usage>;
}

async function spawnChild(
  script: string,
  args: string[],
  extraArgs: string[] = [],
): Promise<Child> {
  const child = fork(new URL(script, import.meta.url), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, ...extraArgs],
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

/** Disconnects (the child cleans up, e.g. removes its spill journal), killing it if it lingers. */
async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.process.once('exit', () => {
      resolve();
    }),
  );
  child.process.disconnect();
  const timer = setTimeout(() => child.process.kill(), 10_000);
  await exited;
  clearTimeout(timer);
}

const cpuMicros = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number =>
  b.user - a.user + (b.system - a.system);

async function measure(kind: Kind, upstream: Child): Promise<Row> {
  const upstreamPort = upstream.port;
  const row = emptyRow(kind);
  const child =
    kind === 'direct'
      ? null
      : await spawnChild('./proxy-child.ts', [kind, String(upstreamPort)], CHILD_ARGS);
  const port = child?.port ?? upstreamPort;
  // Unmeasured warm-up, the same for every path: both echo shapes at 1k/s, so the first phase
  // does not carry start-up costs (JIT compiling, first allocations). Without it the 1k/s
  // figure came out ~14 µs/echo higher for the pipe and ~27 µs for Telltale without a store.
  if (WARMUP_SECONDS > 0) {
    await echoAtRate(port, 1000, WARMUP_SECONDS / 2);
    await echoAtRate(port, 1000, WARMUP_SECONDS / 2, jsonRpcEcho);
  }
  const phase = async <T>(
    name: Phase,
    work: () => Promise<T>,
  ): Promise<{
    result: T;
    cpu: number;
    peakRss: number;
    clientCpu: number;
    upstreamCpu: number;
    wallMicros: number;
  } | null> => {
    if (!runs(name)) return null;
    try {
      const before = await child?.ask(
        name === 'sse-rss' || name === 'slow' ? 'reset-rss' : 'reset',
      );
      const upstreamBefore = await upstream.ask('usage');
      const clientBefore = process.cpuUsage();
      const started = performance.now();
      const result = await Promise.race([
        work(),
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            reject(new Error('timed out'));
          }, RUN_TIMEOUT_MS),
        ),
      ]);
      const wallMicros = (performance.now() - started) * 1000;
      const clientCpu = cpuMicros(clientBefore, process.cpuUsage());
      const upstreamAfter = await upstream.ask('usage');
      const after = await child?.ask('usage');
      return {
        result,
        cpu: before && after ? cpuMicros(before.cpu, after.cpu) : NaN,
        peakRss: after?.peakRss ?? NaN,
        clientCpu,
        upstreamCpu: cpuMicros(upstreamBefore.cpu, upstreamAfter.cpu),
        wallMicros,
      };
    } catch (error) {
      row.notes.push(`${name}: ${(error as Error).message}`);
      return null;
    }
  };
  const at1k = await phase('1k', () => echoAtRate(port, 1000, SECONDS));
  if (at1k) {
    row.cpu1k = at1k.cpu / at1k.result.echoes;
    row.p50at1k = percentile(at1k.result.lat, 50);
    row.p99at1k = percentile(at1k.result.lat, 99);
  }
  const at10k = await phase('10k', () => echoAtRate(port, 10_000, SECONDS));
  if (at10k) {
    row.cpu10k = at10k.cpu / at10k.result.echoes;
    if (at10k.result.echoes < 10_000 * SECONDS * 0.95)
      row.notes.push(`10k/s: only ${at10k.result.echoes} echoes`);
  }
  const big = await phase('64k', () => echoSaturated(port, SECONDS));
  if (big) {
    row.cpu64k = big.cpu / big.result.echoes;
    row.rate64k = big.result.perSecond;
  }
  const one = await phase('1if', () => pingPong(port, 5000));
  if (one) {
    row.p50one = percentile(one.result, 50);
    row.p99one = percentile(one.result, 99);
  }
  const rpc = await phase('rpc', () => echoAtRate(port, 1000, SECONDS, jsonRpcEcho));
  if (rpc) row.cpuRpc = rpc.cpu / rpc.result.echoes;
  const sse = await phase('sse', () => sseRun(port, SSE_EVENTS, RUN_TIMEOUT_MS));
  if (sse) {
    row.sseRate = sse.result.perSecond;
    row.sseCpu = sse.cpu / sse.result.events;
    row.sseClientCpu = sse.clientCpu / sse.result.events;
    row.sseUpstreamCpu = sse.upstreamCpu / sse.result.events;
    row.sseWall = sse.wallMicros / sse.result.events;
    if (sse.result.events !== SSE_EVENTS)
      row.notes.push(`SSE: ${sse.result.events} events arrived`);
  }
  const sseRss = await phase('sse-rss', () => sseRun(port, SSE_RSS_EVENTS, RUN_TIMEOUT_MS));
  if (sseRss) row.rssSse = sseRss.peakRss;
  const slow = await phase('slow', () => slowReader(port, SECONDS));
  if (slow) row.rssSlow = slow.peakRss;
  const last = await child?.ask('usage');
  row.entries = last?.entries ?? NaN;
  row.residentPayload = last?.residentPayload ?? NaN;
  if (last?.dissected !== undefined) row.notes.push(`dissected: ${last.dissected || 'nothing'}`);
  if (child) await stopChild(child);
  return row;
}

export async function main(): Promise<void> {
  const upstream = await spawnChild('./proxy-upstream.ts', []);
  const kinds = (process.env.PROXY_BENCH_ONLY?.split(',') as Kind[] | undefined) ?? KINDS;
  const results: Row[][] = [];
  // Paths alternate within each run, so a burst of load from elsewhere hits one run, not a path.
  for (let run = 0; run < RUNS; run++) {
    const rows: Row[] = [];
    for (const kind of kinds) rows.push(await measure(kind, upstream));
    results.push(rows);
  }
  await stopChild(upstream);
  console.log(
    `${RUNS} run(s), ${WARMUP_SECONDS} s warm-up, ${SECONDS} s per load phase; SSE ${SSE_EVENTS.toLocaleString('en')} events of 100 B (RSS: ${SSE_RSS_EVENTS.toLocaleString('en')}); CPU = proxy child user+sys; phases ${[...only].join(',')}`,
  );
  printReport(results, kinds);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
