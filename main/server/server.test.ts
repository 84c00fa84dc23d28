import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { maxCommandBytes } from '../../shared/ipc.ts';
import { InspectorService } from '../core/service.ts';
import { startHeadlessServer } from './server.ts';
import type { HeadlessServer } from './server.ts';

let server: HeadlessServer;
let service: InspectorService;
beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'telltale-ui-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Telltale</title>');
  service = new InspectorService({ version: 'test', host: 'server', batchIntervalMs: 5 });
  server = await startHeadlessServer({ service, rendererDir, port: 0 });
});
afterAll(async () => {
  await server.close();
});

const apiUrl = (token: string | null): string =>
  `ws://127.0.0.1:${server.port}/api${token === null ? '' : `?token=${token}`}`;

/** The handshake's outcome: 'open', or the HTTP status it was refused with. */
function handshake(url: string, origin?: string): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => undefined);
  });
}

async function client(): Promise<{
  send(data: string | Buffer): void;
  next(): Promise<Record<string, unknown>>;
  close(): void;
}> {
  const socket = new WebSocket(apiUrl(server.token), { origin: `http://127.0.0.1:${server.port}` });
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    if (message['type'] === 'event') return;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  return {
    send: (data) => {
      socket.send(data);
    },
    next: () => {
      const ready = inbox.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => {
      socket.close();
    },
  };
}

describe('headless server security', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses the API without the token, with a wrong one, or from a foreign Origin', async () => {
    expect(await handshake(apiUrl(null))).toBe(401);
    expect(await handshake(apiUrl('0'.repeat(48)))).toBe(401);
    expect(await handshake(apiUrl(server.token), 'https://evil.example')).toBe(403);
    expect(await handshake(apiUrl(server.token), `http://127.0.0.1:${server.port + 1}`)).toBe(403);
    expect(await handshake(apiUrl(server.token), `http://localhost:${server.port}`)).toBe('open');
    expect(await handshake(apiUrl(server.token))).toBe('open');
  });

  it('answers malformed, unknown, binary and oversized messages with errors, and keeps serving', async () => {
    const api = await client();
    api.send('not json');
    expect(await api.next()).toMatchObject({
      type: 'error',
      error: { code: 'invalid-arguments', message: 'message is not JSON' },
    });
    api.send(JSON.stringify({ hello: 1 }));
    expect(await api.next()).toMatchObject({ type: 'error', error: { code: 'invalid-arguments' } });
    api.send(JSON.stringify({ type: 'call', id: 1, command: 'rmRf', args: [] }));
    expect(await api.next()).toMatchObject({
      id: 1,
      ok: false,
      error: { code: 'unknown-command' },
    });
    api.send(JSON.stringify({ type: 'call', id: 2, command: 'constructor', args: [] }));
    expect(await api.next()).toMatchObject({
      id: 2,
      ok: false,
      error: { code: 'unknown-command' },
    });
    api.send(
      JSON.stringify({ type: 'call', id: 3, command: 'openConnection', args: [{ url: 7 }] }),
    );
    expect(await api.next()).toMatchObject({
      id: 3,
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    api.send(Buffer.from([1, 2, 3]));
    expect(await api.next()).toMatchObject({ type: 'error', error: { code: 'invalid-arguments' } });
    const huge = JSON.stringify({
      type: 'call',
      id: 4,
      command: 'sendMessage',
      args: ['x', { kind: 'text', text: 'a'.repeat(maxCommandBytes) }],
    });
    api.send(huge);
    expect(await api.next()).toMatchObject({ type: 'error', error: { code: 'too-large' } });
    api.send(JSON.stringify({ type: 'call', id: 5, command: 'sessionInfo', args: [] }));
    expect(await api.next()).toEqual({
      type: 'result',
      id: 5,
      ok: true,
      value: { connections: 0, entries: 0, lastSeq: 0 },
    });
    expect(await service.listConnections()).toEqual([]);
    api.close();
  });

  it('serves the UI with a strict Content-Security-Policy, and nothing outside its folder', async () => {
    const page = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<title>Telltale</title>');
    // A path climbing out of the folder stays inside it (here: the client-side-route fallback).
    for (const path of [
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/hostname.txt',
    ]) {
      const escape = await fetch(`http://127.0.0.1:${server.port}${path}`);
      const body = await escape.text();
      expect(body).not.toMatch(/root:|localhost/);
      if (escape.status === 200) expect(body).toContain('<title>Telltale</title>');
      else expect([403, 404]).toContain(escape.status);
    }
    expect((await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST' })).status).toBe(405);
  });
});
