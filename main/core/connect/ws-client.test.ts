import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import type { Entry } from '../../../shared/model/entry.ts';
import { SessionStore } from '../session/store.ts';
import { closedPort, httpServer, listenLoopback, waitFor } from '../testing/loopback.ts';
import { rawWsServer } from '../testing/raw-ws-server.ts';
import { openWsConnection } from './ws-client.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wsServer(
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
  onConnection: (socket: ServerSocket, request: import('node:http').IncomingMessage) => void = () =>
    undefined,
): Promise<{ url: string }> {
  const server = httpServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ ...options, server });
  wss.on('connection', onConnection);
  const listening = await listenLoopback(server);
  cleanups.push(async () => {
    wss.close();
    await listening.close();
  });
  return { url: `ws://127.0.0.1:${listening.port}/socket` };
}

function entries(store: SessionStore, id: string): Entry[] {
  return [...store.entriesOf(id)];
}

describe('openWsConnection', () => {
  it('records the handshake and every frame both ways, decoded from the wire, with deflate', async () => {
    const { url } = await wsServer({ perMessageDeflate: { threshold: 0 } }, (socket) => {
      socket.on('message', (data, isBinary) => {
        socket.send(data, { binary: isBinary });
      });
    });
    const store = new SessionStore();
    const handle = openWsConnection(store, { url, headers: [['X-Test', 'yes']] });
    await handle.opened;
    await handle.sendText('hello ' + 'x'.repeat(200));
    await handle.sendBinary(new Uint8Array([0, 1, 2, 255]));
    await waitFor(
      () =>
        entries(store, handle.connectionId).filter(
          (e) => e.direction === 'in' && e.kind !== 'lifecycle',
        ).length >= 2,
    );
    const outcome = await handle.close(1000, 'done');
    expect(outcome).toEqual({ kind: 'closed', code: 1000, reason: 'done' });

    const connection = store.getConnection(handle.connectionId);
    expect(connection?.state).toBe('closed');
    expect(connection?.closeInitiator).toBe('out');
    expect(connection?.response?.status).toBe(101);
    expect(connection?.extensions).toMatch(/permessage-deflate/);
    expect(
      connection?.requestHeaders.some(([n, v]) => n.toLowerCase() === 'x-test' && v === 'yes'),
    ).toBe(true);
    expect(connection?.requestHeaders.some(([n]) => n.toLowerCase() === 'sec-websocket-key')).toBe(
      true,
    );
    expect(connection?.bytesIn).toBeGreaterThan(0);
    expect(connection?.bytesOut).toBeGreaterThan(0);

    const frames = entries(store, handle.connectionId).filter((e) => e.kind !== 'lifecycle');
    const summary = frames.map((e) => [e.direction, e.kind, e.frame?.masked, e.frame?.rsv1]);
    expect(summary).toEqual([
      ['out', 'text', true, true],
      ['out', 'binary', true, true],
      ['in', 'text', false, true],
      ['in', 'binary', false, true],
      ['out', 'close', true, false],
      ['in', 'close', false, false],
    ]);
    expect(frames[0]?.payload).toBe('hello ' + 'x'.repeat(200));
    expect(frames[2]?.payload).toBe('hello ' + 'x'.repeat(200));
    expect(Array.from(frames[3]?.payload as Uint8Array)).toEqual([0, 1, 2, 255]);
    // Compressed on the wire: fewer wire bytes than payload bytes for the repetitive text.
    expect(frames[0]?.frame?.compressedSize).toBeLessThan(frames[0]?.payloadSize ?? 0);
    expect(frames[4]?.close).toMatchObject({ code: 1000, reason: 'done', codeValid: true });
    expect(frames.every((e) => !e.notes?.length)).toBe(true);
  });

  it('keeps byte counts current while the connection is open', async () => {
    const { url } = await wsServer({}, (socket) => {
      socket.send('x'.repeat(1000));
    });
    const store = new SessionStore();
    const handle = openWsConnection(store, { url });
    await handle.opened;
    await waitFor(
      () => (store.getConnection(handle.connectionId)?.bytesIn ?? 0) >= 1004,
      3000,
      'live byte count',
    );
    expect(store.getConnection(handle.connectionId)?.state).toBe('open');
    await handle.close();
  });

  it('does not offer deflate when asked not to, and negotiates a subprotocol', async () => {
    const { url } = await wsServer(
      {
        perMessageDeflate: true,
        handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
      },
      (socket) => {
        socket.send('welcome');
      },
    );
    const store = new SessionStore();
    const handle = openWsConnection(store, { url, deflate: false, protocols: ['chat', 'other'] });
    await handle.opened;
    await waitFor(() => entries(store, handle.connectionId).some((e) => e.kind === 'text'));
    await handle.close();
    const connection = store.getConnection(handle.connectionId);
    expect(connection?.protocol).toBe('chat');
    expect(connection?.extensions).toBeUndefined();
    const welcome = entries(store, handle.connectionId).find((e) => e.kind === 'text');
    expect(welcome).toMatchObject({
      direction: 'in',
      payload: 'welcome',
      frame: { rsv1: false, masked: false },
    });
  });

  it('records a server close with code and reason, and ends by itself', async () => {
    const { url } = await wsServer({}, (socket) => {
      socket.close(4000, 'bye');
    });
    const store = new SessionStore();
    const handle = openWsConnection(store, { url });
    expect(await handle.done).toEqual({ kind: 'closed', code: 4000, reason: 'bye' });
    const connection = store.getConnection(handle.connectionId);
    expect(connection).toMatchObject({
      state: 'closed',
      closeCode: 4000,
      closeReason: 'bye',
      closeInitiator: 'in',
    });
  });

  it('records an empty close frame as 1005, never an invented code', async () => {
    const { url } = await wsServer({}, (socket) => {
      socket.close();
    });
    const store = new SessionStore();
    const handle = openWsConnection(store, { url });
    expect(await handle.done).toEqual({ kind: 'closed', code: 1005, reason: '' });
    const close = entries(store, handle.connectionId).find(
      (e) => e.kind === 'close' && e.direction === 'in',
    );
    expect(close?.close?.code).toBe(1005);
    expect(close?.payloadSize).toBe(0);
  });

  it('marks a connection that ends without a close frame as aborted, with no close code', async () => {
    const { url } = await wsServer({}, (socket) => {
      socket.send('one', () => {
        socket.terminate();
      });
    });
    const store = new SessionStore();
    const handle = openWsConnection(store, { url });
    expect(await handle.done).toEqual({ kind: 'aborted' });
    const connection = store.getConnection(handle.connectionId);
    expect(connection?.state).toBe('aborted');
    expect(connection?.closeCode).toBeUndefined();
    expect(entries(store, handle.connectionId).some((e) => e.payload === 'one')).toBe(true);
  });

  it('records the pong ws sends by itself for a server ping, and measures ping round trips', async () => {
    const { url } = await wsServer({}, (socket) => {
      socket.ping(Buffer.from('are you there'));
    });
    const store = new SessionStore();
    const handle = openWsConnection(store, { url, autoPingMs: 20 });
    await handle.opened;
    await waitFor(() => (store.getConnection(handle.connectionId)?.pingRttMs?.length ?? 0) >= 2);
    await handle.close();
    const kinds = entries(store, handle.connectionId).map((e) => `${e.direction}:${e.kind}`);
    expect(kinds).toContain('in:ping');
    expect(kinds).toContain('out:pong');
    expect(kinds).toContain('out:ping');
    expect(kinds).toContain('in:pong');
    const pong = entries(store, handle.connectionId).find(
      (e) => e.direction === 'out' && e.kind === 'pong',
    );
    expect(Buffer.from(pong?.payload as Uint8Array).toString()).toBe('are you there');
  });

  it('records a refused handshake with its status, headers and body', async () => {
    const server = httpServer((_req, res) => {
      res
        .writeHead(403, { 'Content-Type': 'text/plain', 'X-Reason': 'nope' })
        .end('forbidden: bad token');
    });
    server.on('upgrade', (_req, socket) => {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-Reason: nope\r\nContent-Length: 20\r\n\r\nforbidden: bad token',
      );
    });
    const listening = await listenLoopback(server);
    cleanups.push(() => listening.close());
    const store = new SessionStore();
    const handle = openWsConnection(store, { url: `ws://127.0.0.1:${listening.port}/` });
    await expect(handle.opened).rejects.toThrow(/HTTP 403 Forbidden/);
    expect(await handle.done).toMatchObject({ kind: 'failed' });
    const connection = store.getConnection(handle.connectionId);
    expect(connection?.state).toBe('failed');
    expect(connection?.response).toMatchObject({
      status: 403,
      statusText: 'Forbidden',
      body: 'forbidden: bad token',
    });
    expect(connection?.response?.headers).toContainEqual(['X-Reason', 'nope']);
  });

  it('fails plainly when the connection is refused', async () => {
    const port = await closedPort();
    const store = new SessionStore();
    const handle = openWsConnection(store, { url: `ws://127.0.0.1:${port}/` });
    await expect(handle.opened).rejects.toThrow(`connection refused by 127.0.0.1:${port}`);
    expect(store.getConnection(handle.connectionId)?.state).toBe('failed');
  });

  it('gives up on a server that never answers the handshake, after the timeout', async () => {
    const listening = await listenLoopback(net.createServer(() => undefined));
    cleanups.push(() => listening.close());
    const store = new SessionStore();
    const handle = openWsConnection(store, {
      url: `ws://127.0.0.1:${listening.port}/`,
      handshakeTimeoutMs: 200,
    });
    await expect(handle.opened).rejects.toThrow(
      'opening handshake with 127.0.0.1:' + String(listening.port) + ' timed out',
    );
    expect(await handle.done).toMatchObject({ kind: 'failed' });
  });

  it('records a protocol error after the last good message, and a clean connection none', async () => {
    // A raw server: a valid text frame, then a text frame holding invalid UTF-8.
    const server = rawWsServer((socket) => {
      socket.write(Buffer.from([0x81, 0x02, 0x6f, 0x6b]));
      socket.write(Buffer.from([0x81, 0x02, 0xc3, 0x28]));
    });
    const listening = await listenLoopback(server);
    cleanups.push(() => listening.close());
    const store = new SessionStore();
    const handle = openWsConnection(store, { url: `ws://127.0.0.1:${listening.port}/` });
    await handle.done;
    const list = entries(store, handle.connectionId).filter((e) => e.kind !== 'lifecycle');
    expect(list[0]).toMatchObject({ direction: 'in', kind: 'text', payload: 'ok' });
    expect(list[0]?.notes ?? []).toEqual([]);
    const bad = list[1];
    expect(bad?.direction).toBe('in');
    expect(bad?.notes?.map((n) => n.code)).toContain('ws.invalid-utf8');
    // ws fails the connection with 1007, and that close frame is on the record too.
    expect(
      list.some((e) => e.direction === 'out' && e.kind === 'close' && e.close?.code === 1007),
    ).toBe(true);
  });
});
