import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { httpServer, listenLoopback } from '../main/core/testing/loopback.ts';

// The protocol views in the built UI in Debian's Chromium, against `telltale serve` and a
// loopback JSON-RPC 2.0 server over WebSocket.
const root = join(import.meta.dirname, '..');

let child: ChildProcess;
let url: string;
let dataDir: string;
let browser: Browser;
let peer: Awaited<ReturnType<typeof listenLoopback>>;
let wss: WebSocketServer;
const problems: string[] = [];

const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'telltale-ui-protocols-'));
  child = spawn(
    process.execPath,
    [join(root, 'bin/telltale.js'), 'serve', '--port', '0', '--proxy-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TELLTALE_DATA_DIR: dataDir } },
  );
  url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(line);
    });
    child.on('exit', () => {
      reject(new Error('telltale serve exited early'));
    });
  });

  const server = httpServer((_req, res) => res.writeHead(404).end());
  wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      // Answers each request by id after a short wait, so the pair has a latency to show.
      const call = JSON.parse(Buffer.from(data as Buffer).toString()) as { id: number };
      setTimeout(() => {
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: { sum: 3 } }));
      }, 30);
    });
  });
  peer = await listenLoopback(server);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 30_000);

afterAll(async () => {
  await browser.close();
  wss.close();
  await peer.close();
  const exit = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exit;
  await rm(dataDir, { recursive: true, force: true });
});

async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(url);
  await poll(() => page.getByRole('status').textContent()).toMatch(/^Connected to Telltale/);
  return page;
}

const rows = (page: Page, text: string) => page.locator('[role=row][data-seq]', { hasText: text });

describe('protocol views in the UI', () => {
  it('badges a JSON-RPC connection, shows a request with its answer and latency, and reads it raw on demand', async () => {
    const page = await openPage();
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'New connection' });
    await dialog.getByLabel('URL').fill(`ws://127.0.0.1:${String(peer.port)}/rpc`);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await poll(() => dialog.count()).toBe(0);
    const item = page.locator('[data-connection]').first();
    await item.click();

    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('{"jsonrpc":"2.0","method":"add","params":[1,2],"id":7}');
    await message.press('Control+Enter');
    await poll(() => rows(page, '"sum":3').count()).toBe(1);

    // The badge comes from the core's channels, refreshed after onProtocols.
    const badge = item.getByRole('button', { name: 'protocol JSON-RPC' });
    await poll(() => badge.count()).toBe(1);

    // The timeline previews both rows in protocol words, before the raw text.
    const words = page.locator('[role=row][data-seq] .protocol-preview');
    await poll(() => words.count()).toBe(2);
    expect(await words.first().textContent()).toContain('add');

    // The request in protocol words, paired with its answer.
    await rows(page, '"method":"add"').dispatchEvent('mousedown');
    const detail = page.getByRole('complementary', { name: 'Detail' });
    const messages = detail.getByRole('region', { name: 'Protocol messages' });
    await poll(() => messages.textContent()).toMatch(/Answered by #\d+ \(call 7\) after \d+ ms/);
    expect(await messages.textContent()).toContain('request');
    await messages.getByRole('button', { name: /^#\d+$/ }).click();
    await poll(() => messages.textContent()).toMatch(/Answers #\d+ \(call 7\)/);
    await page.screenshot({ path: join(root, 'out/screenshots/ui-protocol-detail.png') });

    // The Protocol tab: read the connection raw, and the badge goes.
    await badge.click();
    await poll(() =>
      page.getByRole('tab', { name: 'Protocol' }).getAttribute('aria-selected'),
    ).toBe('true');
    expect(await detail.textContent()).toContain('Chosen by');
    const calls = detail.getByRole('region', { name: 'Calls' });
    await poll(() => calls.textContent()).toMatch(/add7ok\d+ ms#\d+#\d+/);
    await page.screenshot({ path: join(root, 'out/screenshots/ui-protocol-tab.png') });
    await detail.getByRole('combobox', { name: 'Read as protocol' }).selectOption('raw');
    await poll(() => badge.count()).toBe(0);
    await detail.getByRole('combobox', { name: 'Read as protocol' }).selectOption('auto');
    await poll(() => badge.count()).toBe(1);
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
