/**
 * Breakpoint rules in protocol words, through the real proxy on loopback: the message a rule
 * holds is read as its connection's next protocol message (peeked, not recorded), so
 * `sio.event:chat`, `rpc.method:tools/call`, `signalr.target:Send`, `pair.latency>100ms` and
 * `unanswered` match at the moment the proxy holds it, with the connection's state (handshakes,
 * records split over messages) taken into account.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import type { Entry } from '../../../shared/model/entry.ts';
import { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import { testConnection } from '../protocol/dissect/test-support.ts';
import { testProxy, wsUpstream, type Cleanup } from '../proxy/test-support.ts';
import { SessionStore } from '../session/store.ts';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { BreakpointController, type PausedMessage } from './breakpoints.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** A controller reading the protocol views of the store the proxy records into. */
async function proxyTo(target: string) {
  const paused: PausedMessage[] = [];
  // The views follow the proxy's store, made with it: the controller reads them when it asks.
  const session: { views?: ProtocolViews } = {};
  const breakpoints = new BreakpointController({
    timeoutMs: 10_000,
    onPause: (m) => paused.push(m),
    protocols: () => session.views,
  });
  const { store, proxy } = await testProxy(cleanups, { target, breakpoints });
  const live = new ProtocolViews(store);
  session.views = live;
  cleanups.push(() => {
    breakpoints.releaseAll();
    live.dispose();
  });
  return { store, proxy, breakpoints, paused, views: live };
}

/** A `ws` upstream recording what it receives, answering with `answer`. */
async function wsServer(answer: (socket: ServerSocket, text: string) => void = () => undefined) {
  const got: string[] = [];
  const upstream = await wsUpstream(cleanups, {}, (socket) => {
    socket.on('message', (data: Buffer) => {
      got.push(data.toString());
      answer(socket, data.toString());
    });
  });
  return { got, target: `http://127.0.0.1:${upstream.port}` };
}

async function client(proxyUrl: string, path: string, protocol?: string): Promise<WebSocket> {
  const ws = new WebSocket(`${proxyUrl.replace('http:', 'ws:')}${path}`, protocol);
  cleanups.push(() => {
    ws.terminate();
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

describe('breakpoint rules in protocol words', () => {
  it('Socket.IO (real server and client): `proto:socketio sio.event:chat` pauses the chat event, `sio.event:spam` drops spam', async () => {
    const got: string[] = [];
    const httpUpstream = http.createServer();
    const sio = new Server(httpUpstream, { transports: ['websocket'] });
    sio.on('connection', (socket) => {
      socket.onAny((event: string) => got.push(event));
    });
    const upstream = await listenLoopback(httpUpstream);
    cleanups.push(async () => {
      await sio.close();
      await upstream.close();
    });
    const { proxy, breakpoints, paused } = await proxyTo(`http://127.0.0.1:${upstream.port}`);
    breakpoints.setRules([
      { id: 'chat', filter: 'proto:socketio sio.event:chat', action: 'pause' },
      { id: 'spam', filter: 'sio.event:spam', action: 'drop' },
    ]);
    const socket = io(proxy.url, { transports: ['websocket'], reconnection: false });
    cleanups.push(() => {
      socket.disconnect();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.emit('typing');
    socket.emit('spam', 'buy now');
    socket.emit('chat', 'hi');
    socket.emit('after');
    await waitFor(() => paused.length === 1, 3000, 'the chat event to be held');
    expect(paused[0]).toMatchObject({
      ruleId: 'chat',
      direction: 'out',
      payload: '42["chat","hi"]',
    });
    // Held: the chat and what follows it wait; the spam never reached the server.
    await sleep(50);
    expect(got).toEqual(['typing']);
    breakpoints.forward(paused[0]?.id ?? '');
    await waitFor(() => got.length === 3, 3000, 'the rest');
    expect(got).toEqual(['typing', 'chat', 'after']);
  });

  it('JSON-RPC: `rpc.method:tools/call` rewrites calls; `proto:jsonrpc unanswered` holds requests, not notifications', async () => {
    const server = await wsServer();
    const { proxy, breakpoints, paused } = await proxyTo(server.target);
    breakpoints.setRules([
      {
        id: 'no-calls',
        filter: 'rpc.method:tools/call',
        action: 'rewrite',
        replacement: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      },
      { id: 'requests', filter: 'proto:jsonrpc unanswered', action: 'pause' },
    ]);
    const ws = await client(proxy.url, '/rpc', 'jsonrpc');
    ws.send('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rm"}}');
    ws.send('{"jsonrpc":"2.0","method":"notifications/progress"}');
    ws.send('{"jsonrpc":"2.0","id":2,"method":"resources/read"}');
    await waitFor(() => paused.length === 1, 3000, 'the request to be held');
    expect(paused[0]).toMatchObject({
      ruleId: 'requests',
      payload: '{"jsonrpc":"2.0","id":2,"method":"resources/read"}',
    });
    // What came before it went on (the call rewritten); the request waits.
    await waitFor(() => server.got.length >= 2, 3000, 'the messages before it');
    await sleep(50);
    expect(server.got).toEqual([
      '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      '{"jsonrpc":"2.0","method":"notifications/progress"}',
    ]);
    breakpoints.forward(paused[0]?.id ?? '');
    await waitFor(() => server.got.length === 3, 3000, 'the request');
  });

  it('JSON-RPC: `pair.latency>100ms` holds a slow answer (latency to its request, measured while held), not a fast one', async () => {
    const server = await wsServer((socket, text) => {
      const { id } = JSON.parse(text) as { id: number };
      const answer = JSON.stringify({ jsonrpc: '2.0', id, result: id });
      if (id === 2) {
        setTimeout(() => {
          socket.send(answer);
        }, 150);
      } else socket.send(answer);
    });
    const { proxy, breakpoints, paused } = await proxyTo(server.target);
    breakpoints.setRules([
      { id: 'slow', filter: 'proto:jsonrpc pair.latency>100ms', action: 'pause' },
    ]);
    const ws = await client(proxy.url, '/rpc', 'jsonrpc');
    const got: string[] = [];
    ws.on('message', (data: Buffer) => got.push(data.toString()));
    ws.send('{"jsonrpc":"2.0","id":1,"method":"fast"}');
    ws.send('{"jsonrpc":"2.0","id":2,"method":"slow"}');
    await waitFor(() => paused.length === 1, 3000, 'the slow answer to be held');
    expect(paused[0]).toMatchObject({
      direction: 'in',
      payload: '{"jsonrpc":"2.0","id":2,"result":2}',
    });
    await waitFor(() => got.length >= 1, 3000, 'the fast answer');
    expect(got).toEqual(['{"jsonrpc":"2.0","id":1,"result":1}']);
    breakpoints.forward(paused[0]?.id ?? '');
    await waitFor(() => got.length === 2, 3000, 'the slow answer');
  });

  it('SignalR: `signalr.target:Send` after the handshake, and on a record completed by a second message (the connection state is read)', async () => {
    const server = await wsServer((socket, text) => {
      if (text.startsWith('{"protocol"')) socket.send('{}\u001e');
    });
    const { proxy, breakpoints, paused, views } = await proxyTo(server.target);
    breakpoints.setRules([{ id: 'send', filter: 'signalr.target:Send', action: 'pause' }]);
    const ws = await client(proxy.url, '/hub?id=t1');
    const got: string[] = [];
    ws.on('message', (data: Buffer) => got.push(data.toString()));
    // The handshake record looks like no invocation: it passes.
    ws.send('{"protocol":"json","version":1}\u001e');
    await waitFor(() => got.length === 1, 3000, 'the handshake answer');
    ws.send('{"type":1,"invocationId":"1","target":"Echo","arguments":[]}\u001e');
    ws.send('{"type":1,"invocationId":"2","target":"Send","arguments":["a"]}\u001e');
    await waitFor(() => paused.length === 1, 3000, 'the Send invocation');
    await waitFor(() => server.got.length >= 2, 3000, 'the Echo invocation');
    await sleep(50);
    expect(server.got.slice(1)).toEqual([
      '{"type":1,"invocationId":"1","target":"Echo","arguments":[]}\u001e',
    ]);
    breakpoints.forward(paused[0]?.id ?? '');
    ws.send('{"type":1,"invocationId":"3","target":"Se');
    ws.send('nd","arguments":[]}\u001e');
    await waitFor(() => paused.length === 2, 3000, 'the record completed by the second half');
    expect(paused[1]?.payload).toBe('nd","arguments":[]}\u001e');
    breakpoints.forward(paused[1]?.id ?? '');
    await waitFor(() => server.got.length === 5, 3000, 'everything');
    // Held messages were peeked, never dissected twice: the view reads each record once.
    await waitFor(() => views.annotations().length === 5, 3000, 'the view');
    expect(views.annotations().flatMap((a) => a.messages.map((m) => m.summary))).toEqual([
      'handshake json v1',
      'handshake ok',
      'Invocation Echo #1 []',
      'Invocation Send #2 ["a"]',
      'Invocation Send #3 []',
    ]);
  });

  it('without protocol views, protocol terms match nothing; with them, the held message is read', () => {
    const store = new SessionStore();
    store.addConnection(testConnection('c', { protocol: 'jsonrpc' }));
    const views = new ProtocolViews(store);
    const breakpoints = new BreakpointController();
    breakpoints.setRules([{ id: 'r', filter: 'rpc.method:ping', action: 'drop' }]);
    const held: Entry = {
      seq: 0,
      connectionId: 'c',
      time: 2000,
      direction: 'out',
      kind: 'text',
      payload: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      payloadSize: 40,
      wireSize: 46,
    };
    expect(breakpoints.match(held, store.getConnection('c'))).toBeNull();
    breakpoints.useProtocols(() => views);
    expect(breakpoints.match(held, store.getConnection('c'))?.id).toBe('r');
    // Nothing was recorded by reading it.
    expect(views.annotations()).toEqual([]);
    views.dispose();
  });
});
