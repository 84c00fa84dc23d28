import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { httpServer, listenLoopback } from '../main/core/testing/loopback.ts';
import { connectWsApi } from '../renderer/src/transport/ws-client.ts';

// `telltale serve` as users run it, with the built UI opened in Debian's Chromium.
const bin = join(import.meta.dirname, '../bin/telltale.js');

describe('telltale serve', () => {
  it('prints the UI URL, serves the UI that reaches the core, and stops cleanly on SIGTERM', async () => {
    const data = await mkdtemp(join(tmpdir(), 'telltale-data-'));
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--proxy-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TELLTALE_DATA_DIR: data },
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n') && line) resolve(line);
      });
      child.on('exit', () => {
        reject(new Error(`serve exited early: ${stderr}`));
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    // The forward proxy is up from the start, intercepting HTTPS with the CA in the data folder.
    await expect
      .poll(() => stderr, { timeout: 10_000 })
      .toMatch(/proxy at http:\/\/127\.0\.0\.1:\d+ \(HTTPS interception/);

    // Real traffic through the served API: open a WebSocket connection from the core.
    const echo = httpServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ server: echo });
    const peer = await listenLoopback(echo);
    const client = connectWsApi(url.replace('http://', 'ws://').replace('/?', '/api?'));
    await client.ready;
    await client.api.openConnection({ url: `ws://127.0.0.1:${peer.port}/` });

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(url);
      await expect
        .poll(() => page.getByRole('status').textContent(), { timeout: 10_000 })
        .toMatch(/^Connected to Telltale \d+\.\d+\.\d+ \(server\); 1 connection\(s\)/);
      await page.screenshot({ path: join(import.meta.dirname, '../out/screenshots/serve.png') });
      // Loaded under the server's Content-Security-Policy with nothing refused or thrown.
      expect(problems).toEqual([]);
      // Without the token the page says plainly that it cannot reach the core.
      await page.goto(url.replace(/token=.*/, 'token=wrong'));
      await expect
        .poll(() => page.getByRole('status').textContent())
        .toMatch(/^Cannot reach the Telltale core/);
    } finally {
      await browser.close();
      client.close();
      wss.close();
      await peer.close();
    }

    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    // The session was journaled in the data folder as it happened, complete after the stop.
    const journals = await readdir(join(data, 'sessions'));
    expect(journals).toHaveLength(1);
    const journal = await readFile(join(data, 'sessions', journals[0] ?? ''), 'utf8');
    expect(journal.startsWith('{"type":"telltale"')).toBe(true);
    // The peer went away first (closed in the finally above): recorded as such, not as a close.
    expect(journal).toContain('"state":"aborted"');
    clearTimeout(killer);
  }, 40_000);
});
