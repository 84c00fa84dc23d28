import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { httpServer, listenLoopback } from '../main/core/testing/loopback.ts';

// The built inspector UI in Debian's Chromium, against `telltale serve` and real loopback peers.
const root = join(import.meta.dirname, '..');
const screenshots = join(root, 'out/screenshots');

let child: ChildProcess;
let url: string;
let dataDir: string;
let browser: Browser;
let peer: Awaited<ReturnType<typeof listenLoopback>>;
let wss: WebSocketServer;
const problems: string[] = [];

// Generous waits: these machines run other suites beside this one.
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'telltale-ui-'));
  child = spawn(
    process.execPath,
    [join(root, 'bin/telltale.js'), 'serve', '--port', '0', '--proxy-port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TELLTALE_DATA_DIR: dataDir },
    },
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

  // One loopback server: WebSocket greetings and an echo, and an event stream at /events.
  const server = httpServer((req, res) => {
    if (req.url === '/v1/chat/completions') {
      // An OpenAI-shaped token stream, without Cache-Control (a finding), paced a little.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      const parts = [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Hello' }),
        chunk({ content: ' from' }),
        chunk({ content: ' Telltale' }),
        chunk({}, 'stop'),
        'data: [DONE]\n\n',
      ];
      parts.forEach((part, i) => {
        setTimeout(() => res.write(part), 20 * i);
      });
      return;
    }
    if (req.url !== '/events') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': hello\n\n');
    for (let i = 1; i <= 3; i++) res.write(`event: tick\nid: ${i}\ndata: {"tick":${i}}\n\n`);
  });
  wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    for (let n = 1; n <= 3; n++) socket.send(JSON.stringify({ type: 'greeting', n }));
    socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    socket.on('message', (data, isBinary) => {
      socket.send(data, { binary: isBinary });
    });
  });
  peer = await listenLoopback(server);

  browser = await chromium.launch({
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
  const page = await browser.newPage({
    viewport: { width: 1440, height: 860 },
    acceptDownloads: true,
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(url);
  await poll(() => page.getByRole('status').textContent()).toMatch(/^Connected to Telltale/);
  return page;
}

async function connect(page: Page, target: string): Promise<void> {
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByLabel('URL').fill(target);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await poll(() => dialog.count()).toBe(0);
}

const rows = (page: Page, text: string) => page.locator('[role=row][data-seq]', { hasText: text });

describe('inspector UI', () => {
  it('opens a WebSocket connection, shows its messages, filters, opens a detail, sends and sees the echo, exports, clears and reopens the export', async () => {
    const page = await openPage();
    await connect(page, `ws://127.0.0.1:${peer.port}/`);
    await poll(() => rows(page, 'greeting').count()).toBe(3);
    await poll(() => page.locator('[data-connection]').count()).toBe(1);

    // Filter in the query box: evaluated in main, the count shown beside it.
    await page.getByRole('searchbox').fill('json:n=2');
    await poll(() => page.getByTestId('match-count').textContent()).toBe('1 match');
    await poll(() => page.locator('[role=row][data-seq]').count()).toBe(1);
    // A typo is underlined where it is, and the last good filter stays.
    await page.getByRole('searchbox').fill('json:n=2 AND size>');
    await poll(() => page.getByTestId('filter-error').isVisible()).toBe(true);
    await page.getByRole('searchbox').fill('json:n=2');

    // Detail: the JSON tree and the frame facts.
    await rows(page, 'greeting').first().dispatchEvent('mousedown');
    const detail = page.getByRole('complementary', { name: 'Detail' });
    await poll(() => detail.locator('[data-path="$.n"]').textContent()).toContain('2');
    expect(await detail.getByRole('region', { name: 'Frame' }).textContent()).toContain('0x1 text');

    // Binary in hex.
    await page.getByRole('searchbox').fill('kind:binary');
    await expect
      .poll(() => page.locator('[role=row][data-seq]').allTextContents())
      .toEqual([expect.stringContaining('de ad be ef')]);
    await rows(page, 'de ad be ef').dispatchEvent('mousedown');
    await expect
      .poll(() => detail.getByRole('table', { name: 'Hex dump' }).textContent())
      .toContain('de ad be ef');

    // Send from the composer with Ctrl+Enter; the echo comes back.
    await page.getByRole('searchbox').fill('');
    await page.locator('[data-connection]').first().click();
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill('echo me please');
    await message.press('Control+Enter');
    await poll(() => rows(page, 'echo me please').count()).toBe(2);
    expect(await rows(page, 'echo me please').nth(0).getAttribute('class')).toContain('dir-out');
    expect(await rows(page, 'echo me please').nth(1).getAttribute('class')).toContain('dir-in');

    // Highlight instead of hide: every row stays, the match is marked.
    await page.getByRole('searchbox').fill('echo');
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('h');
    await poll(() => page.locator('[role=row].highlighted').count()).toBe(2);
    expect(await page.locator('[role=row][data-seq]').count()).toBeGreaterThan(2);
    await page.keyboard.press('h');
    await page.getByRole('searchbox').fill('');
    await poll(() => page.getByTestId('match-count').count()).toBe(0);
    await rows(page, 'greeting').first().dispatchEvent('mousedown');

    await page.screenshot({ path: join(screenshots, 'ui-light.png') });
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.screenshot({ path: join(screenshots, 'ui-dark.png') });
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await poll(() => help.count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'ui-shortcuts-dark.png') });
    await page.keyboard.press('Escape');
    await poll(() => help.count()).toBe(0);
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');

    // Export as NDJSON: the download holds what was sent.
    await page.getByRole('button', { name: 'Export…' }).click();
    await page.getByLabel('Telltale NDJSON (lossless)').check();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    const file = await (await download).path();
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toContain('"telltale"');
    expect(text).toContain('echo me please');

    // Clear, then open the exported file again: the session comes back.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Really clear?' }).click();
    await poll(() => page.locator('[role=row][data-seq]').count()).toBe(0);
    await poll(() => page.locator('[data-connection]').count()).toBe(0);
    await page.getByTestId('open-file').setInputFiles({
      name: 'session.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(text),
    });
    await poll(() => rows(page, 'echo me please').count()).toBe(2);
    await poll(() => page.locator('[data-connection]').count()).toBe(1);

    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows the proxy, stops and restarts it, with setup snippets for its port', async () => {
    const page = await openPage();
    await page.keyboard.press('x');
    const dialog = page.getByRole('dialog', { name: 'Proxy' });
    const status = dialog.getByTestId('proxy-status');
    await expect
      .poll(() => status.textContent())
      .toMatch(/^Listening at http:\/\/127\.0\.0\.1:\d+/);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec((await status.textContent()) ?? '')?.[0] ?? '';
    expect(await dialog.locator('pre').first().textContent()).toContain(`HTTP_PROXY=${url}`);
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await poll(() => status.textContent()).toMatch(/^Stopped/);
    expect(await dialog.locator('pre').count()).toBe(0);
    await dialog.getByLabel('Port').fill('0');
    await dialog.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(() => status.textContent())
      .toMatch(/^Listening at http:\/\/127\.0\.0\.1:\d+/);
    await page.screenshot({ path: join(screenshots, 'ui-proxy-light.png') });
    await page.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('opens an event stream and shows each event with its fields and raw text', async () => {
    const page = await openPage();
    await connect(page, `http://127.0.0.1:${peer.port}/events`);
    await poll(() => rows(page, '"tick"').count()).toBe(3);
    await rows(page, '{"tick":2}').first().dispatchEvent('mousedown');
    const detail = page.getByRole('complementary', { name: 'Detail' });
    const event = detail.getByRole('region', { name: 'Server-sent event' });
    await poll(() => event.textContent()).toContain('tick');
    await detail.getByRole('tab', { name: 'Raw event' }).click();
    await expect
      .poll(() => detail.locator('pre').textContent())
      .toBe('event: tick\nid: 2\ndata: {"tick":2}');
    // Hide everything but events from the toggles: the comment goes.
    await page.getByRole('button', { name: 'events' }).click();
    await poll(() => rows(page, '"tick"').count()).toBe(0);
    await page.getByRole('button', { name: 'events' }).click();
    await page.screenshot({ path: join(screenshots, 'ui-sse-light.png') });
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows an LLM token stream as its assembled answer, and a diagnostics finding on it', async () => {
    const page = await openPage();
    await connect(page, `http://127.0.0.1:${peer.port}/v1/chat/completions`);
    const item = page.locator('[data-connection]', { hasText: '/v1/chat/completions' });
    await item.getByRole('button', { name: 'LLM' }).click();
    const detail = page.getByRole('complementary', { name: 'Detail' });
    await poll(() => detail.getByLabel('Assembled text').textContent()).toBe('Hello from Telltale');
    await poll(() => detail.getByTestId('llm-ending').textContent()).toBe('complete');
    expect(await detail.textContent()).toContain('gpt-test');
    await page.screenshot({ path: join(screenshots, 'ui-llm-light.png') });

    await item.getByRole('button', { name: /findings, worst/ }).click();
    const finding = detail.locator('[data-rule="sse.no-cache-control"]');
    await poll(() => finding.count()).toBe(1);
    expect(await finding.textContent()).toContain('warning');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.screenshot({ path: join(screenshots, 'ui-findings-dark.png') });
    await item.getByRole('button', { name: 'LLM' }).click();
    await page.screenshot({ path: join(screenshots, 'ui-llm-dark.png') });
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');

    // A mock server of the recording: started with its URL shown, then stopped.
    await detail.getByRole('tab', { name: 'Replay & mock' }).click();
    await detail.getByRole('button', { name: 'Start mock' }).click();
    const mocks = detail.getByRole('list', { name: 'Running mocks' });
    await poll(() => mocks.textContent()).toMatch(
      /http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/,
    );
    await page.screenshot({ path: join(screenshots, 'ui-replay-light.png') });
    await mocks.getByRole('button', { name: 'Stop' }).click();
    await poll(() => mocks.count()).toBe(0);

    // Breakpoints: a rule's filter is checked as it is typed, and applied in the core.
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('b');
    const breakpoints = page.getByRole('dialog', { name: 'Breakpoints' });
    await breakpoints.getByRole('button', { name: 'Add rule' }).click();
    const filter = breakpoints.getByRole('textbox', { name: 'Rule filter' });
    await filter.fill('json:qty>');
    await poll(() => filter.getAttribute('aria-invalid')).toBe('true');
    await filter.fill('dir:out json:qty>0');
    await breakpoints.getByRole('button', { name: 'Apply rules' }).click();
    await poll(() => breakpoints.getByText('Applied 1 rule.').count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'ui-breakpoints-light.png') });
    await breakpoints.getByRole('button', { name: 'Remove rule' }).click();
    await breakpoints.getByRole('button', { name: 'Apply rules' }).click();
    await poll(() => breakpoints.getByText('Applied 0 rules.').count()).toBe(1);
    await page.keyboard.press('Escape');
    await poll(() => breakpoints.count()).toBe(0);

    // Replay the WebSocket recording as fast as possible against the same loopback server.
    await page.locator('[data-connection]', { hasText: 'ws://' }).first().click();
    await detail.getByRole('tab', { name: 'Replay & mock' }).click();
    await detail.getByRole('combobox', { name: 'Timing' }).selectOption('fast');
    await detail.getByRole('button', { name: 'Replay' }).click();
    await poll(() => detail.getByTestId('replay-result').textContent()).toMatch(/^Sent 1 message/);
    await poll(() => page.locator('[data-connection]', { hasText: 'replay of #1' }).count()).toBe(
      1,
    );
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('injects a message toward the client of a proxied WebSocket and marks it injected', async () => {
    const page = await openPage();
    // The proxy in reverse mode in front of the loopback server, from its dialog.
    await page.keyboard.press('x');
    const dialog = page.getByRole('dialog', { name: 'Proxy' });
    await dialog.getByLabel('Port').fill('0');
    await dialog.getByLabel('Reverse target (optional)').fill(`ws://127.0.0.1:${peer.port}`);
    await dialog.getByRole('button', { name: /Start|Restart/ }).click();
    const status = dialog.getByTestId('proxy-status');
    await poll(() => status.textContent()).toContain('forwarding to');
    const proxyPort = /127\.0\.0\.1:(\d+)/.exec((await status.textContent()) ?? '')?.[1] ?? '';
    await page.keyboard.press('Escape');

    const client = new WebSocket(`ws://127.0.0.1:${proxyPort}/proxied`);
    const received: string[] = [];
    client.on('message', (data, isBinary) => {
      if (!isBinary) received.push(Buffer.isBuffer(data) ? data.toString() : '');
    });
    try {
      await new Promise((resolve, reject) => {
        client.once('open', resolve);
        client.once('error', reject);
      });
      const item = page.locator('[data-connection]', { hasText: '/proxied' });
      await poll(() => item.textContent()).toContain('proxy');
      await item.click();
      await page.getByRole('button', { name: '↓ to client' }).click();
      const message = page.getByRole('textbox', { name: 'Message' });
      await message.fill('{"injected":true}');
      await message.press('Control+Enter');
      await poll(() => received.includes('{"injected":true}')).toBe(true);
      await rows(page, '{"injected":true}').first().dispatchEvent('mousedown');
      const detail = page.getByRole('complementary', { name: 'Detail' });
      await poll(() => detail.locator('.intervention').textContent()).toBe('injected');
      await page.screenshot({ path: join(screenshots, 'ui-inject-light.png') });

      // Resend the client's message from the detail: the proxy sends it to the server again.
      client.send('{"qty":1}');
      const sent = page.locator('[role=row][data-seq].dir-out', { hasText: '{"qty":1}' });
      await poll(() => sent.count()).toBe(1);
      await sent.dispatchEvent('mousedown');
      await detail.getByRole('button', { name: 'Resend', exact: true }).click();
      await poll(() => received.filter((text) => text === '{"qty":1}').length).toBe(2);

      // A pause rule holds the next matching message; it is edited and forwarded from the dialog.
      await page.getByTestId('timeline').focus();
      await page.keyboard.press('b');
      const breakpoints = page.getByRole('dialog', { name: 'Breakpoints' });
      await breakpoints.getByRole('button', { name: 'Add rule' }).click();
      await breakpoints.getByRole('textbox', { name: 'Rule filter' }).fill('dir:out json:qty>1');
      await breakpoints.getByRole('button', { name: 'Apply rules' }).click();
      await poll(() => breakpoints.getByText('Applied 1 rule.').count()).toBe(1);
      client.send('{"qty":5}');
      const held = breakpoints.getByRole('list', { name: 'Paused messages' }).getByRole('listitem');
      await poll(() => held.count()).toBe(1);
      expect(await held.textContent()).toMatch(/forwards in \d+ s/);
      await held.getByRole('textbox').fill('{"qty":6}');
      await page.screenshot({ path: join(screenshots, 'ui-paused-light.png') });
      await held.getByRole('button', { name: 'Forward edited' }).click();
      await poll(() => received.includes('{"qty":6}')).toBe(true);
      expect(received).not.toContain('{"qty":5}');
      await poll(() => held.count()).toBe(0);
      await breakpoints.getByRole('button', { name: 'Remove rule' }).click();
      await breakpoints.getByRole('button', { name: 'Apply rules' }).click();
      await poll(() => breakpoints.getByText('Applied 0 rules.').count()).toBe(1);
      await page.keyboard.press('Escape');
    } finally {
      client.close();
    }
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
