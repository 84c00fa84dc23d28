import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { afterHead, capture, testProxy } from './test-support.ts';
import type { Capture, Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An upstream whose raw written bytes are captured, answering with `handler`. */
async function upstream(
  handler: http.RequestListener,
): Promise<{ origin: string; captures: Capture[] }> {
  const captures: Capture[] = [];
  const server = http.createServer(handler);
  server.on('connection', (socket: net.Socket) => captures.push(capture(socket)));
  const listening = await listenLoopback(server);
  cleanups.push(() => listening.close());
  return { origin: `http://127.0.0.1:${listening.port}`, captures };
}

/** A raw request through the reverse proxy; resolves with every byte the client received. */
async function rawRequest(port: number, request: Buffer | string): Promise<Buffer> {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.write(request);
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  return Buffer.concat(received);
}

function only(store: SessionStore): Connection {
  const all = store.connections();
  expect(all).toHaveLength(1);
  return all[0] as Connection;
}

function bodies(store: SessionStore, id: string): Entry[] {
  return [...store.entriesOf(id)].filter((e) => e.kind === 'text' || e.kind === 'binary');
}

async function ended(store: SessionStore): Promise<Connection> {
  await waitFor(() => store.connections()[0]?.closedAt !== undefined, 5000, 'the exchange to end');
  return only(store);
}

describe('plain HTTP bodies', () => {
  it('records request and response bodies as entries while the bytes pass unchanged', async () => {
    let seenBody = '';
    const up = await upstream((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        seenBody = Buffer.concat(parts).toString();
        // Chunked, in two writes: the client must get the same chunks.
        res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
        res.write('{"jsonrpc":"2.0",');
        res.end('"id":4,"result":{"ok":true}}');
      });
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin });
    const body = '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"é"}}';
    const received = await rawRequest(
      proxy.port,
      `POST /rpc?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(seenBody).toBe(body);
    const connection = await ended(store);
    expect(connection.kind).toBe('http');
    const [request, response] = bodies(store, connection.id);
    expect(request).toMatchObject({
      direction: 'out',
      kind: 'text',
      payload: body,
      payloadSize: Buffer.byteLength(body),
      wireSize: Buffer.byteLength(body),
    });
    expect(response).toMatchObject({
      direction: 'in',
      kind: 'text',
      payload: '{"jsonrpc":"2.0","id":4,"result":{"ok":true}}',
    });
    expect(response?.notes).toBeUndefined();
    expect((request?.seq ?? 0) < (response?.seq ?? 0)).toBe(true);
    // The client got the upstream's bytes exactly (chunks and all).
    const sent = Buffer.concat(up.captures[0]?.written ?? []);
    expect(afterHead([received]).equals(afterHead([sent]))).toBe(true);
    expect(afterHead([received]).toString()).toMatch(/^11\r\n\{"jsonrpc":"2\.0",\r\n1c\r\n/);
  });

  it('decodes a gzip response for the record and forwards it compressed', async () => {
    const text = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => `item ${i}`) });
    const gz = zlib.gzipSync(text);
    const up = await upstream((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
        'Content-Length': gz.length,
        Connection: 'close',
      });
      res.end(gz);
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin });
    const received = await rawRequest(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(afterHead([received]).equals(gz)).toBe(true);
    const connection = await ended(store);
    const got = bodies(store, connection.id);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      direction: 'in',
      kind: 'text',
      payload: text,
      payloadSize: text.length,
      wireSize: gz.length,
    });
  });

  it('keeps at most the cap, says so, and still forwards the whole body', async () => {
    const big = 'é'.repeat(3000); // 6000 bytes; the cap (1001) falls inside a character
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end(big);
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin, maxBodyBytes: 1001 });
    const received = await rawRequest(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(afterHead([received]).toString()).toContain(big);
    const connection = await ended(store);
    const [body] = bodies(store, connection.id);
    expect(body?.kind).toBe('text');
    expect(body?.payload).toBe('é'.repeat(500));
    expect(body?.notes?.map((n) => n.code)).toEqual(['body-truncated']);
    expect(body?.wireSize).toBe(6000);
  });

  it('records bytes that are not UTF-8 as binary, and nothing for an empty body', async () => {
    const bytes = Buffer.from([0x82, 0xa1, 0x61, 0x01, 0xff, 0x00]);
    const up = await upstream((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/msgpack', Connection: 'close' });
      res.end(req.method === 'GET' ? bytes : undefined);
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin });
    await rawRequest(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const connection = await ended(store);
    const got = bodies(store, connection.id);
    expect(got).toHaveLength(1);
    expect(got[0]?.kind).toBe('binary');
    expect(Buffer.from(got[0]?.payload as Uint8Array).equals(bytes)).toBe(true);
  });

  it('records a damaged gzip body as what it is, and forwards it untouched', async () => {
    const damaged = Buffer.from('this was never gzip');
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip', Connection: 'close' });
      res.end(damaged);
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin });
    const received = await rawRequest(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(afterHead([received]).toString('latin1')).toContain(damaged.toString('latin1'));
    const connection = await ended(store);
    expect(connection.state).toBe('closed');
    const [body] = bodies(store, connection.id);
    expect(body?.notes?.map((n) => n.code)).toEqual(['body-decode-failed']);
  });

  it('forwards a long-poll response as it comes and records its body when it ends', async () => {
    let finish: (() => void) | undefined;
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.write('4hello\x1e');
      finish = () => res.end('2');
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin });
    const socket = net.connect(proxy.port, '127.0.0.1');
    cleanups.push(() => {
      socket.destroy();
    });
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    socket.write('GET /engine.io/?EIO=4&transport=polling&sid=a HTTP/1.1\r\nHost: a\r\n\r\n');
    // The first part reaches the client before the body is over.
    await waitFor(() => Buffer.concat(received).includes('4hello'));
    const connection = only(store);
    expect(bodies(store, connection.id)).toHaveLength(0);
    finish?.();
    await ended(store);
    expect(bodies(store, connection.id).map((e) => e.payload)).toEqual(['4hello\x1e2']);
  });

  it('keeps an event stream request body as an entry and on the connection', async () => {
    const up = await upstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'close' });
        res.end('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
      });
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin });
    const body = '{"jsonrpc":"2.0","id":1,"method":"initialize"}';
    await rawRequest(
      proxy.port,
      `POST /mcp HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    const connection = await ended(store);
    expect(connection.kind).toBe('sse');
    expect(connection.requestBody).toBe(body);
    const data = [...store.entriesOf(connection.id)].filter(
      (e) => e.kind === 'text' || e.kind === 'event',
    );
    expect(data.map((e) => [e.direction, e.kind])).toEqual([
      ['out', 'text'],
      ['in', 'event'],
    ]);
  });

  it('keeps no bodies with a cap of 0', async () => {
    const up = await upstream((req, res) => {
      req.resume();
      res.writeHead(200, { Connection: 'close' });
      res.end('answer');
    });
    const { store, proxy } = await testProxy(cleanups, { target: up.origin, maxBodyBytes: 0 });
    await rawRequest(
      proxy.port,
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
    );
    const connection = await ended(store);
    expect(bodies(store, connection.id)).toHaveLength(0);
  });
});
