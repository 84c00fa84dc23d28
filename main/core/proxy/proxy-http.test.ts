import { execFile, execFileSync } from 'node:child_process';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { closedPort, listenLoopback, waitFor } from '../testing/loopback.ts';
import { rawWsServer } from '../testing/raw-ws-server.ts';
import { capture, testProxy } from './test-support.ts';
import type { Capture, Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An upstream that answers each request head by hand, its written bytes captured. */
async function rawUpstream(
  respond: (socket: net.Socket, request: string) => void,
): Promise<{ port: number; captures: Capture[] }> {
  const captures: Capture[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    captures.push(capture(socket));
    let got = '';
    const onData = (chunk: Buffer): void => {
      got += chunk.toString('latin1');
      let end = got.indexOf('\r\n\r\n');
      while (end >= 0) {
        const head = got.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (got.length < end + 4 + length) return;
        const request = got.slice(0, end + 4 + length);
        got = got.slice(end + 4 + length);
        respond(socket, request);
        end = got.indexOf('\r\n\r\n');
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  });
  const listening = await listenLoopback(server);
  cleanups.push(() => listening.close());
  return { port: listening.port, captures };
}

function rawClient(port: number): { socket: net.Socket; received: Buffer[]; ended: Promise<void> } {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(Buffer.from(chunk)));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) =>
    socket.once('close', () => {
      resolve();
    }),
  );
  cleanups.push(() => {
    socket.destroy();
  });
  return { socket, received, ended };
}

function only(store: SessionStore, kind?: Connection['kind']): Connection {
  const found = store.connections().filter((c) => kind === undefined || c.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Connection;
}

function entries(store: SessionStore, id: string, kind?: Entry['kind']): Entry[] {
  return [...store.entriesOf(id)].filter((e) => kind === undefined || e.kind === kind);
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('SSE through the proxy', () => {
  it('streams a chunked response chunk for chunk and records each event live', async () => {
    const parts: Buffer[] = [];
    let upstreamSocket: net.Socket | undefined;
    const upstream = await rawUpstream((socket) => {
      upstreamSocket = socket;
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
    });
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    client.socket.write(
      `GET http://127.0.0.1:${upstream.port}/events?topic=a%20b HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await waitFor(() => upstreamSocket !== undefined, 5000, 'request upstream');
    const event = Buffer.from('id: 1\nevent: greet\ndata: héllo ✓ 😀\n\n', 'utf8');
    // Split inside multi-byte characters, and a chunk that ends mid-line.
    const cut1 = event.indexOf(0xc3) + 1;
    const cut2 = event.indexOf(0xf0) + 2;
    for (const piece of [
      event.subarray(0, cut1),
      event.subarray(cut1, cut2),
      event.subarray(cut2),
    ]) {
      const chunk = Buffer.concat([
        Buffer.from(`${piece.length.toString(16)};ext=1\r\n`),
        piece,
        Buffer.from('\r\n'),
      ]);
      parts.push(chunk);
      upstreamSocket?.write(chunk);
      await tick();
    }
    const connection = (): Connection => only(store, 'sse');
    // Recorded while the stream is still open: live, not at stream end.
    await waitFor(() => entries(store, connection().id, 'event').length === 1, 5000, 'event');
    expect(connection().state).toBe('open');
    upstreamSocket?.write('0\r\nX-Trailer: yes\r\n\r\n');
    await waitFor(() => connection().state === 'closed', 5000, 'closed');
    const [head] = upstream.captures[0]?.written ?? [];
    // The record may end before the last forwarded bytes have reached the client's socket.
    const upstreamWrote = (): Buffer => Buffer.concat(upstream.captures[0]?.written ?? []);
    await waitFor(
      () => Buffer.concat(client.received).length >= upstreamWrote().length,
      5000,
      'the client to receive it all',
    );
    expect(Buffer.concat(client.received).equals(upstreamWrote())).toBe(true);
    expect(head?.toString()).toContain('Transfer-Encoding: chunked');
    const [recorded] = entries(store, connection().id, 'event');
    expect(recorded).toMatchObject({
      direction: 'in',
      payload: 'héllo ✓ 😀',
      sse: { event: 'greet', id: '1', lastEventId: '1' },
    });
    expect(connection()).toMatchObject({
      url: `http://127.0.0.1:${upstream.port}/events?topic=a%20b`,
      source: 'proxy',
      method: 'GET',
      response: { status: 200 },
    });
    // The request went upstream in origin-form with its query string.
    const sent = Buffer.concat(upstream.captures[0]?.read ?? []).toString();
    expect(sent.startsWith('GET /events?topic=a%20b HTTP/1.1\r\n')).toBe(true);
  });

  it('keeps gzip as the server sent it and decodes it for the record', async () => {
    const events = Array.from({ length: 20 }, (_, i) => `id: ${i}\ndata: event ${i} ✓\n\n`);
    const upstream = await rawUpstream((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n',
      );
      const gzip = zlib.createGzip();
      gzip.on('data', (chunk: Buffer) => socket.write(chunk));
      gzip.on('end', () => socket.end());
      void (async () => {
        for (const text of events) {
          gzip.write(text);
          gzip.flush();
          await tick();
        }
        gzip.end();
      })();
    });
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    client.socket.write(`GET http://127.0.0.1:${upstream.port}/gz HTTP/1.1\r\nHost: x\r\n\r\n`);
    await client.ended;
    const connection = only(store, 'sse');
    await waitFor(() => store.getConnection(connection.id)?.state === 'closed', 5000, 'closed');
    // Close-delimited: the body ends with the connection, as the server framed it.
    expect(
      Buffer.concat(client.received).equals(Buffer.concat(upstream.captures[0]?.written ?? [])),
    ).toBe(true);
    expect(entries(store, connection.id, 'event').map((e) => e.payload)).toEqual(
      events.map((_, i) => `event ${i} ✓`),
    );
  });

  it.runIf(hasCurl())(
    'curl -N through the proxy sees events as they come, and so does the record',
    async () => {
      let upstreamSocket: net.Socket | undefined;
      const upstream = await rawUpstream((socket) => {
        upstreamSocket = socket;
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        socket.write(chunk('data: first\n\n'));
      });
      const { store, proxy } = await testProxy(cleanups);
      let output = '';
      const curl = execFile('curl', [
        '-sN',
        '--proxy',
        proxy.url,
        `http://127.0.0.1:${upstream.port}/s`,
      ]);
      curl.stdout?.on('data', (data: Buffer) => (output += data.toString()));
      cleanups.push(() => {
        curl.kill();
      });
      await waitFor(() => output.includes('data: first'), 5000, 'curl output');
      const id = only(store, 'sse').id;
      await waitFor(() => entries(store, id, 'event').length === 1, 5000, 'first event');
      upstreamSocket?.write(chunk('data: second\n\n'));
      await waitFor(() => output.includes('data: second'), 5000, 'second');
      await waitFor(() => entries(store, id, 'event').length === 2, 5000, 'second event');
      upstreamSocket?.write('0\r\n\r\n');
      await waitFor(() => store.getConnection(id)?.state === 'closed', 5000, 'closed');
    },
  );
});

function chunk(text: string): Buffer {
  const body = Buffer.from(text);
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]);
}

function hasCurl(): boolean {
  try {
    execFileSync('which', ['curl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('plain HTTP through the proxy', () => {
  it('relays keep-alive requests with bodies and records each one', async () => {
    const upstream = await rawUpstream((socket, request) => {
      if (request.startsWith('POST')) {
        socket.write(
          'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nmade\r\n0\r\n\r\n',
        );
      } else if (request.startsWith('HEAD')) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n');
      } else {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
      }
    });
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    const base = `http://127.0.0.1:${upstream.port}`;
    // Pipelined: the proxy holds the next request until the response before it is complete.
    client.socket.write(
      `GET ${base}/a?x=1 HTTP/1.1\r\nHost: h\r\nProxy-Connection: keep-alive\r\n\r\n` +
        `POST ${base}/b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc` +
        `HEAD ${base}/c HTTP/1.1\r\nHost: h\r\n\r\n`,
    );
    await waitFor(
      () => store.connections().filter((c) => c.state === 'closed').length === 3,
      5000,
      'three',
    );
    expect(Buffer.concat(client.received).toString()).toBe(
      Buffer.concat(upstream.captures[0]?.written ?? []).toString(),
    );
    expect(upstream.captures).toHaveLength(1); // one upstream connection, kept alive
    const sent = Buffer.concat(upstream.captures[0]?.read ?? []).toString();
    expect(sent).not.toContain('Proxy-Connection');
    expect(
      store
        .connections()
        .map((c) => [c.kind, c.method, c.url, c.response?.status, c.bytesOut, c.bytesIn]),
    ).toEqual([
      ['http', 'GET', `${base}/a?x=1`, 200, 0, 5],
      ['http', 'POST', `${base}/b`, 201, 3, 14],
      ['http', 'HEAD', `${base}/c`, 200, 0, 0],
    ]);
  });

  it('records a refused WebSocket upgrade with its status, headers and body, relayed unchanged', async () => {
    const upstream = await rawUpstream((socket) => {
      socket.write(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot today',
      );
    });
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    client.socket.write(
      `GET http://127.0.0.1:${upstream.port}/ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await waitFor(() => store.connections()[0]?.state === 'failed', 5000, 'failed');
    expect(Buffer.concat(client.received).toString()).toBe(
      Buffer.concat(upstream.captures[0]?.written ?? []).toString(),
    );
    expect(only(store, 'ws')).toMatchObject({
      response: { status: 403, statusText: 'Forbidden', body: 'not today' },
      error: 'handshake refused: HTTP 403 (expected 101 Switching Protocols)',
    });
  });
});

describe('faults', () => {
  it('upstream refused: the client gets a 502, the record says why, the proxy goes on', async () => {
    const port = await closedPort();
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    client.socket.write(`GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: h\r\n\r\n`);
    await client.ended;
    expect(Buffer.concat(client.received).toString()).toMatch(/^HTTP\/1.1 502 Bad Gateway/);
    expect(only(store)).toMatchObject({
      state: 'failed',
      error: `upstream: connection refused by 127.0.0.1:${port}`,
    });
    // Still serving.
    const upstream = await rawUpstream((socket) => socket.write('HTTP/1.1 204 No Content\r\n\r\n'));
    const again = rawClient(proxy.port);
    again.socket.write(`GET http://127.0.0.1:${upstream.port}/ HTTP/1.1\r\nHost: h\r\n\r\n`);
    await waitFor(
      () => Buffer.concat(again.received).toString().startsWith('HTTP/1.1 204'),
      5000,
      '204',
    );
  });

  it('upstream reset in the middle of a WebSocket frame is recorded as aborted', async () => {
    const server = rawWsServer((socket) => {
      // A text frame announcing 10 bytes, of which 3 arrive, then a reset.
      socket.write(Buffer.from([0x81, 10, 0x61, 0x62, 0x63]));
      setTimeout(() => socket.resetAndDestroy(), 30);
    });
    const listening = await listenLoopback(server);
    cleanups.push(() => listening.close());
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    client.socket.write(
      `GET http://127.0.0.1:${listening.port}/ HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await client.ended;
    await waitFor(() => store.connections()[0]?.state === 'aborted', 5000, 'aborted');
    const ws = only(store, 'ws');
    expect(ws.error).toMatch(/reset|upstream/);
    const errors = entries(store, ws.id, 'text');
    expect(errors[0]?.notes?.[0]?.code).toBe('ws.truncated');
  });

  it('a client that goes away mid-stream is recorded as aborted; others are unaffected', async () => {
    const sockets: net.Socket[] = [];
    const upstream = await rawUpstream((socket) => {
      sockets.push(socket);
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      socket.write(chunk('data: one\n\n'));
    });
    const { store, proxy } = await testProxy(cleanups);
    const first = rawClient(proxy.port);
    const second = rawClient(proxy.port);
    for (const client of [first, second]) {
      client.socket.write(`GET http://127.0.0.1:${upstream.port}/s HTTP/1.1\r\nHost: h\r\n\r\n`);
    }
    await waitFor(
      () => store.connections().filter((c) => c.state === 'open').length === 2,
      5000,
      'two open',
    );
    first.socket.destroy();
    await waitFor(() => store.connections().some((c) => c.state === 'aborted'), 5000, 'aborted');
    for (const socket of sockets) socket.write(chunk('data: two\n\n'));
    await waitFor(
      () => Buffer.concat(second.received).toString().includes('data: two'),
      5000,
      'second goes on',
    );
    const aborted = store.connections().find((c) => c.state === 'aborted');
    expect(aborted?.error).toBe('the client closed the connection');
  });

  it('an idle keep-alive connection is closed by the proxy after the timeout', async () => {
    const upstream = await rawUpstream(() => undefined); // never answers
    const { store, proxy } = await testProxy(cleanups, { idleTimeoutMs: 100 });
    const client = rawClient(proxy.port);
    client.socket.write(`GET http://127.0.0.1:${upstream.port}/slow HTTP/1.1\r\nHost: h\r\n\r\n`);
    await client.ended;
    expect(only(store)).toMatchObject({
      state: 'failed',
      error: 'idle for 100 ms: closed by the proxy',
    });
    expect(Buffer.concat(client.received).toString()).toMatch(/^HTTP\/1.1 502/);
  });

  it('half-close: a client that ends its side after the request still gets the response', async () => {
    const upstream = await rawUpstream((socket) => {
      setTimeout(() => socket.end('HTTP/1.1 200 OK\r\n\r\nclose-delimited body'), 30);
    });
    const { store, proxy } = await testProxy(cleanups);
    const client = rawClient(proxy.port);
    client.socket.end(`GET http://127.0.0.1:${upstream.port}/ HTTP/1.1\r\nHost: h\r\n\r\n`);
    await client.ended;
    expect(Buffer.concat(client.received).toString()).toBe(
      'HTTP/1.1 200 OK\r\n\r\nclose-delimited body',
    );
    await waitFor(() => store.connections()[0]?.state === 'closed', 5000, 'closed');
    expect(only(store).bytesIn).toBe(20);
  });
});

describe('backpressure', () => {
  it('a client that does not read stops the upstream; nothing piles up in the proxy', async () => {
    const limit = 64 * 1024 * 1024;
    let written = 0;
    let blocked = false;
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const upstream = await rawUpstream((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
      const pump = (): void => {
        while (written < limit) {
          written += piece.length;
          if (!socket.write(piece)) {
            blocked = true;
            socket.once('drain', () => {
              blocked = false;
              pump();
            });
            return;
          }
        }
      };
      pump();
    });
    const { store, proxy } = await testProxy(cleanups);
    const client = net.connect(proxy.port, '127.0.0.1');
    cleanups.push(() => {
      client.destroy();
    });
    client.pause(); // never reads
    client.write(`GET http://127.0.0.1:${upstream.port}/big HTTP/1.1\r\nHost: h\r\n\r\n`);
    // The upstream ends up blocked for good (loopback socket buffers may grow for a while
    // first): the proxy stopped reading instead of buffering, so only socket buffers hold data.
    let stableSince = Date.now();
    let last = -1;
    await waitFor(
      () => {
        if (written !== last || !blocked) {
          last = written;
          stableSince = Date.now();
        }
        return Date.now() - stableSince > 300;
      },
      10_000,
      'upstream blocked for good',
    );
    expect(written).toBeLessThan(32 * 1024 * 1024);
    expect(store.connections()[0]?.state).toBe('connecting');
  });
});
