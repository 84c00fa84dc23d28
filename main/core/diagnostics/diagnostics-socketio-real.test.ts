/**
 * The Socket.IO rules live, against a real `socket.io` server behind the real proxy on loopback:
 * a client that never answers the server's pings (the server drops it with "ping timeout"), one
 * that never acks an event the server asked an ack for, and the real `socket.io-client`, which
 * keeps the heartbeat and answers acks, triggering nothing.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import { startProxy } from '../proxy/proxy-server.ts';
import { SessionStore } from '../session/store.ts';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { LiveDiagnostics } from './live.ts';
import { allEnded, type Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const heartbeat = { pingInterval: 100, pingTimeout: 400 };

/** A socket.io server (WebSocket transport) behind the proxy, with live diagnostics on it. */
async function setup(onConnection: (socket: import('socket.io').Socket) => void) {
  const httpUpstream = http.createServer();
  const sio = new Server(httpUpstream, { transports: ['websocket'], ...heartbeat });
  sio.on('connection', onConnection);
  const upstream = await listenLoopback(httpUpstream);
  cleanups.push(async () => {
    await sio.close();
    await upstream.close();
  });
  const store = new SessionStore({ batchIntervalMs: 1 });
  const views = new ProtocolViews(store);
  const live = new LiveDiagnostics(store, { protocols: views, tickMs: 20, answerTimeoutMs: 300 });
  cleanups.push(() => {
    live.dispose();
    views.dispose();
  });
  const proxy = await startProxy(store, { port: 0, target: `http://127.0.0.1:${upstream.port}` });
  cleanups.push(() => proxy.close());
  return { store, live, proxyUrl: proxy.url };
}

/** A hand-driven Engine.IO 4 client: connects the main namespace, then does only what it is told. */
function rawClient(proxyUrl: string, answerPings: boolean): WebSocket {
  const ws = new WebSocket(
    `${proxyUrl.replace('http:', 'ws:')}/socket.io/?EIO=4&transport=websocket`,
  );
  cleanups.push(() => {
    ws.terminate();
  });
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text.startsWith('0{')) ws.send('40');
    if (text === '2' && answerPings) ws.send('3');
  });
  return ws;
}

describe('Socket.IO diagnostics against the real server', () => {
  it('socketio.pong-missing: a client that never pongs is dropped by the server for "ping timeout"', async () => {
    const reasons: string[] = [];
    const { store, live, proxyUrl } = await setup((socket) => {
      socket.on('disconnect', (reason) => reasons.push(reason));
    });
    rawClient(proxyUrl, false);
    await waitFor(() => reasons.length > 0, 3000, 'the server to drop the client');
    expect(reasons).toEqual(['ping timeout']);
    await allEnded(store);
    await waitFor(
      () => live.findings().some((f) => f.rule === 'socketio.pong-missing'),
      3000,
      'the finding',
    );
    const finding = live.findings().find((f) => f.rule === 'socketio.pong-missing');
    expect(finding?.message).toMatch(/pingTimeout of 400 ms/);
    const pings = [...store.allEntries()].filter((e) => e.payload === '2');
    expect(finding?.evidence.seqs).toContain(pings[0]?.seq);
  });

  it('socketio.ack-unanswered: the client never acks what the server asked, found while open', async () => {
    const { live, proxyUrl } = await setup((socket) => {
      socket.emit('question', 42, () => undefined);
    });
    rawClient(proxyUrl, true);
    await waitFor(
      () => live.findings().some((f) => f.rule === 'socketio.ack-unanswered'),
      3000,
      'the finding',
    );
    expect(live.findings().map((f) => f.rule)).toEqual(['socketio.ack-unanswered']);
    expect(live.findings()[0]?.message).toMatch(/question #0 \(waiting/);
  });

  it('the real socket.io-client: heartbeat kept over several pings, acks both ways, clean close: no findings', async () => {
    const { store, live, proxyUrl } = await setup((socket) => {
      socket.on('hello', (value: unknown, ack: (reply: unknown) => void) => {
        ack({ got: value });
      });
      socket.emit('question', 1, () => undefined);
    });
    const client = io(proxyUrl, { transports: ['websocket'], reconnection: false });
    client.on('question', (_value: unknown, ack: (reply: unknown) => void) => {
      ack('yes');
    });
    cleanups.push(() => {
      client.disconnect();
    });
    await expect(client.timeout(2000).emitWithAck('hello', 'x')).resolves.toEqual({ got: 'x' });
    await waitFor(
      () => [...store.allEntries()].filter((e) => e.payload === '3').length >= 4,
      3000,
      'four heartbeats',
    );
    client.disconnect();
    await allEnded(store);
    expect(live.refresh()).toEqual([]);
  });
});
