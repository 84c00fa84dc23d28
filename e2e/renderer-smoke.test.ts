import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenLoopback } from '../main/core/testing/loopback.ts';
import http from 'node:http';
import { serveStatic } from '../main/server/static-files.ts';

// The built renderer in Debian's Chromium (never a downloaded browser). `npm test` builds first.
const root = join(import.meta.dirname, '../out/renderer');
const executablePath = '/usr/bin/chromium';

describe('renderer in Chromium', () => {
  let server: Awaited<ReturnType<typeof listenLoopback>>;
  beforeAll(async () => {
    if (!existsSync(join(root, 'index.html')))
      throw new Error('out/renderer is missing: run `npm run build` first');
    if (!existsSync(executablePath))
      throw new Error('Chromium is missing: apt-get install -y chromium');
    server = await listenLoopback(
      http.createServer((req, res) => {
        serveStatic(root, req, res);
      }),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('loads the built page under its Content-Security-Policy without errors', async () => {
    const browser = await chromium.launch({ executablePath, headless: true });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${server.port}/`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Telltale');
      await mkdir(join(import.meta.dirname, '../out/screenshots'), { recursive: true });
      await page.screenshot({
        path: join(import.meta.dirname, '../out/screenshots/placeholder.png'),
      });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
