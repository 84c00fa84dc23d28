/**
 * The inspector UI under load, in Debian's Chromium against `telltale serve`:
 *
 *   node bench/ui.bench.ts            (npm run build first: it serves out/renderer)
 *
 * Real traffic, no test-only injection: a loopback WebSocket server floods the core's client
 * connection, the core decodes, stores and batches it, and the page ingests it over the API.
 *   1. 20,000 messages/s for 10 s: longest main-thread task (PerformanceObserver 'longtask'),
 *      tasks over 50 ms, how far the page lags the flood, renderer heap.
 *   2. As fast as the core takes it until the session holds 1,000,000 entries: renderer heap
 *      after GC, then scrolling the timeline through all of them (jumps and steady wheel-like
 *      steps), with the frame times and long tasks seen meanwhile; and the time from typing a
 *      filter to its match count over the full session.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { httpServer, listenLoopback } from '../main/core/testing/loopback.ts';
import { connectWsApi } from '../renderer/src/transport/ws-client.ts';

const RATE = 20_000;
const SECONDS = 10;
const TOTAL = Number(process.env.UI_BENCH_TOTAL ?? 1_000_000);
const root = join(import.meta.dirname, '..');

/** The little of the page's DOM the in-page snippets use (this file is type-checked without DOM). */
interface PageElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly textContent: string | null;
  querySelector(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  document: PageElement;
  requestAnimationFrame(callback: (time: number) => void): void;
  __longTasks: number[];
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string; buffered?: boolean }): void;
  };
}

function message(i: number): string {
  return `{"type":"tick","seq":${i},"price":${(i % 997) + 0.5},"symbol":"S${i % 50}"}`;
}

/** Sends `count` messages at `rate` per second (or as fast as the socket drains when rate is 0). */
async function flood(socket: WebSocket, first: number, count: number, rate: number): Promise<void> {
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    const due =
      rate > 0 ? Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate)) : count;
    while (sent < due && socket.bufferedAmount < 4 * 1024 * 1024)
      socket.send(message(first + sent++));
    await new Promise((resolve) => setTimeout(resolve, rate > 0 ? 5 : 1));
  }
}

export async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'telltale-ui-bench-'));
  const child = spawn(
    process.execPath,
    [join(root, 'bin/telltale.js'), 'serve', '--port', '0', '--proxy-port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TELLTALE_DATA_DIR: dataDir },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line);
    });
    child.on('exit', () => {
      reject(new Error('telltale serve exited early'));
    });
  });

  const server = httpServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const sockets: WebSocket[] = [];
  wss.on('connection', (socket) => sockets.push(socket));
  const peer = await listenLoopback(server);
  const client = connectWsApi(url.replace('http://', 'ws://').replace('/?', '/api?'));
  await client.ready;

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(() => {
      const window = globalThis as unknown as PageGlobals;
      window.__longTasks = [];
      new window.PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const cdp = await page.context().newCDPSession(page);
    const heapMb = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      // Typed-array columns live in ArrayBuffer backing stores, outside the V8 heap proper: count both.
      const usage = (await cdp.send('Runtime.getHeapUsage')) as {
        usedSize: number;
        backingStorageSize?: number;
      };
      return (usage.usedSize + (usage.backingStorageSize ?? 0)) / 1024 / 1024;
    };
    const rowsInPage = (): Promise<number> =>
      page.evaluate(() =>
        Number(
          /([\d,]+) entries/
            .exec(
              (globalThis as unknown as PageGlobals).document.querySelector('[role=status]')
                ?.textContent ?? '',
            )?.[1]
            ?.replaceAll(',', '') ?? 0,
        ),
      );
    const takeLongTasks = (): Promise<number[]> =>
      page.evaluate(() => (globalThis as unknown as PageGlobals).__longTasks.splice(0));

    await page.goto(url);
    await page.getByRole('status').filter({ hasText: 'Connected to Telltale' }).waitFor();
    await client.api.openConnection({ url: `ws://127.0.0.1:${peer.port}/` });
    while (sockets.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const socket = sockets[0] as WebSocket;
    await takeLongTasks();

    // 1. 20,000 entries/s for 10 s.
    const heapBefore = await heapMb();
    const floodStart = performance.now();
    const lagSamples: number[] = [];
    let sentSoFar = 0;
    const sampler = setInterval(() => {
      sentSoFar = Math.floor(((performance.now() - floodStart) / 1000) * RATE);
      void rowsInPage().then((rows) =>
        lagSamples.push(Math.max(0, Math.min(sentSoFar, RATE * SECONDS) - rows)),
      );
    }, 500);
    await flood(socket, 0, RATE * SECONDS, RATE);
    const floodSeconds = (performance.now() - floodStart) / 1000;
    clearInterval(sampler);
    const target = RATE * SECONDS;
    const drainStart = performance.now();
    while ((await rowsInPage()) < target) await new Promise((resolve) => setTimeout(resolve, 50));
    const drainMs = performance.now() - drainStart;
    const tasks = await takeLongTasks();
    const heapAfter = await heapMb();
    console.log(
      `ingest: ${target.toLocaleString('en')} messages at ${RATE.toLocaleString('en')}/s over ${floodSeconds.toFixed(1)} s (real loopback WS → core → UI)`,
    );
    console.log(
      `  longest main-thread task: ${tasks.length === 0 ? 'none over 50 ms' : `${Math.max(...tasks).toFixed(0)} ms`} · long tasks (>50 ms): ${tasks.length}`,
    );
    console.log(
      `  page behind the flood: median ${median(lagSamples).toLocaleString('en')} rows, max ${Math.max(0, ...lagSamples).toLocaleString('en')} rows; caught up ${drainMs.toFixed(0)} ms after the last send`,
    );
    console.log(
      `  renderer heap: ${heapBefore.toFixed(1)} MB before, ${heapAfter.toFixed(1)} MB with ${target.toLocaleString('en')} rows`,
    );

    // 2. Fill to 1 M and scroll through it.
    const fillStart = performance.now();
    await flood(socket, target, TOTAL - target, 0);
    while ((await rowsInPage()) < TOTAL) await new Promise((resolve) => setTimeout(resolve, 100));
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const fillTasks = await takeLongTasks();
    console.log(
      `fill to ${TOTAL.toLocaleString('en')}: ${((TOTAL - target) / fillSeconds).toFixed(0)} entries/s end to end; longest task meanwhile ${fillTasks.length === 0 ? 'none over 50 ms' : `${Math.max(...fillTasks).toFixed(0)} ms (${fillTasks.length} over 50 ms)`}`,
    );
    console.log(
      `  renderer heap at ${TOTAL.toLocaleString('en')} entries: ${(await heapMb()).toFixed(1)} MB`,
    );

    // A filter typed over the full session: main scans 1 M entries, the page maps the seqs.
    for (const filter of ['json:price>990', 'S7']) {
      const typed = performance.now();
      await page.getByRole('searchbox').fill(filter);
      await page.getByTestId('match-count').waitFor({ timeout: 60_000 });
      const count = await page.getByTestId('match-count').textContent();
      const filterTasks = await takeLongTasks();
      console.log(
        `filter "${filter}" over ${TOTAL.toLocaleString('en')}: ${count ?? '?'} in ${(performance.now() - typed).toFixed(0)} ms from typing (150 ms of it the typing pause); long tasks ${filterTasks.length === 0 ? 'none' : `${filterTasks.length}, longest ${Math.max(...filterTasks).toFixed(0)} ms`}`,
      );
      await page.getByRole('searchbox').fill('');
      await page.getByTestId('match-count').waitFor({ state: 'detached' });
    }
    await takeLongTasks();

    const scroll = await page.evaluate(async () => {
      const window = globalThis as unknown as PageGlobals;
      const doc = window.document;
      const element = doc.querySelector('[data-testid=timeline]');
      if (!element) throw new Error('no timeline');
      const frame = (): Promise<number> =>
        new Promise((resolve) => {
          window.requestAnimationFrame(resolve);
        });
      const frames: number[] = [];
      const seqsSeen = new Set<string>();
      let last = await frame();
      // Jumps across the whole list, then steady steps as a wheel would make.
      const positions: number[] = [];
      for (let i = 0; i <= 50; i++) positions.push(i / 50);
      for (const fraction of positions) {
        element.scrollTop = fraction * (element.scrollHeight - element.clientHeight);
        const now = await frame();
        frames.push(now - last);
        last = now;
        seqsSeen.add(element.querySelector('[data-seq]')?.getAttribute('data-seq') ?? '');
      }
      element.scrollTop = element.scrollHeight / 2;
      for (let i = 0; i < 300; i++) {
        element.scrollTop += 120;
        const now = await frame();
        frames.push(now - last);
        last = now;
      }
      frames.sort((a, b) => a - b);
      return {
        frames: frames.length,
        medianFrame: frames[Math.floor(frames.length / 2)] ?? 0,
        worstFrame: frames.at(-1) ?? 0,
        distinctTops: seqsSeen.size,
        scrollHeight: element.scrollHeight,
      };
    });
    const scrollTasks = await takeLongTasks();
    console.log(
      `scroll ${TOTAL.toLocaleString('en')} rows (${(scroll.scrollHeight / 1e6).toFixed(1)} M px): ${scroll.frames} frames, median ${scroll.medianFrame.toFixed(1)} ms, worst ${scroll.worstFrame.toFixed(1)} ms; ${scroll.distinctTops} distinct top rows over 51 jumps; long tasks ${scrollTasks.length === 0 ? 'none' : `${scrollTasks.length}, longest ${Math.max(...scrollTasks).toFixed(0)} ms`}`,
    );
  } finally {
    await browser.close();
    client.close();
    wss.close();
    await peer.close();
    const exit = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exit;
    await rm(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

if (import.meta.main) await main();
