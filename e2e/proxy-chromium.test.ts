/**
 * Debian's Chromium through Telltale's proxy: a page over HTTPS (CONNECT + MITM, the CA trusted
 * with --ignore-certificate-errors-spki-list) and one over plain HTTP (ws:// through the proxy)
 * open a WebSocket and an EventSource; the proxy records both, frame by frame and event by event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { loadOrCreateCa } from '../main/core/proxy/ca.ts';
import type { CertificateAuthority } from '../main/core/proxy/ca.ts';
import { startProxy } from '../main/core/proxy/proxy-server.ts';
import type { ProxyHandle } from '../main/core/proxy/proxy-server.ts';
import { SessionStore } from '../main/core/session/store.ts';
import { listenLoopback, waitFor } from '../main/core/testing/loopback.ts';
import { selfSignedCertificate } from '../main/core/testing/self-signed.ts';

const page = (wsScheme: string): string => `<!doctype html><meta charset="utf-8"><title>t</title>
<pre id="log"></pre>
<script>
  const log = (line) => { document.getElementById('log').textContent += line + '\\n'; };
  const ws = new WebSocket('${wsScheme}://' + location.host + '/ws');
  ws.onopen = () => ws.send('hello from chromium ✓');
  ws.onmessage = (e) => log('ws:' + e.data);
  const es = new EventSource('/events');
  es.addEventListener('tick', (e) => log('sse:' + e.data));
</script>`;

const handler =
  (wsScheme: string): http.RequestListener =>
  (req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      let n = 0;
      const timer = setInterval(() => {
        n += 1;
        res.write(`event: tick\nid: ${n}\ndata: tick ${n}\n\n`);
        if (n === 3) clearInterval(timer);
      }, 20);
      req.on('close', () => {
        clearInterval(timer);
      });
      return;
    }
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(wsScheme));
      return;
    }
    res.writeHead(404).end();
  };

function attachEcho(server: http.Server): WebSocketServer {
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      socket.send(`echo: ${Buffer.from(data as Buffer).toString()}`, { binary: isBinary });
    });
  });
  return wss;
}

let dir: string;
let ca: CertificateAuthority;
let store: SessionStore;
let proxy: ProxyHandle;
let browser: Browser;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'telltale-e2e-proxy-'));
  ca = await loadOrCreateCa(dir);
  store = new SessionStore();
  // The test upstream's certificate is self-signed, hence insecureUpstream.
  proxy = await startProxy(store, { port: 0, mitm: ca, insecureUpstream: true });
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
      `--proxy-server=${proxy.url}`,
      '--proxy-bypass-list=<-loopback>',
      `--ignore-certificate-errors-spki-list=${ca.spkiSha256}`,
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser.close();
  for (const close of closers.reverse()) await close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

async function visit(url: string): Promise<string> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(url);
  // A string: this file is type-checked without the DOM library.
  await tab.waitForFunction(
    "(document.getElementById('log')?.textContent ?? '').includes('ws:echo') && " +
      "(document.getElementById('log')?.textContent ?? '').includes('sse:tick 3')",
  );
  const text = (await tab.textContent('#log')) ?? '';
  await context.close();
  return text;
}

function recorded(urlPrefix: string) {
  const ws = store.connections().find((c) => c.kind === 'ws' && c.url.startsWith(urlPrefix));
  const sse = store.connections().find((c) => c.kind === 'sse' && c.url.startsWith(urlPrefix));
  return {
    ws,
    sse,
    wsTexts: ws ? [...store.entriesOf(ws.id)].filter((e) => e.kind === 'text') : [],
    events: sse ? [...store.entriesOf(sse.id)].filter((e) => e.kind === 'event') : [],
  };
}

describe('Chromium through the proxy', () => {
  it('HTTPS page: wss and EventSource through CONNECT + MITM are decoded and recorded', async () => {
    const server = https.createServer(selfSignedCertificate(), handler('wss'));
    const wss = attachEcho(server);
    const listening = await listenLoopback(server);
    closers.push(async () => {
      wss.close();
      await listening.close();
    });
    const text = await visit(`https://localhost:${listening.port}/`);
    expect(text).toContain('ws:echo: hello from chromium ✓');
    const origin = `wss://localhost:${listening.port}`;
    await waitFor(() => recorded(origin).wsTexts.length === 2, 5000, 'ws entries');
    await waitFor(
      () => recorded(`https://localhost:${listening.port}`).events.length === 3,
      5000,
      'sse entries',
    );
    const { wsTexts } = recorded(origin);
    expect(wsTexts.map((e) => [e.direction, e.payload])).toEqual([
      ['out', 'hello from chromium ✓'],
      ['in', 'echo: hello from chromium ✓'],
    ]);
    expect(recorded(`https://localhost:${listening.port}`).events.map((e) => e.payload)).toEqual([
      'tick 1',
      'tick 2',
      'tick 3',
    ]);
  });

  it('plain HTTP page: ws:// and EventSource are inspected without any certificate', async () => {
    const server = http.createServer(handler('ws'));
    const wss = attachEcho(server);
    const listening = await listenLoopback(server);
    closers.push(async () => {
      wss.close();
      await listening.close();
    });
    const text = await visit(`http://127.0.0.1:${listening.port}/`);
    expect(text).toContain('sse:tick 3');
    const base = `127.0.0.1:${listening.port}`;
    await waitFor(() => recorded(`ws://${base}`).wsTexts.length === 2, 5000, 'ws entries');
    await waitFor(() => recorded(`http://${base}`).events.length === 3, 5000, 'sse entries');
  });
});
