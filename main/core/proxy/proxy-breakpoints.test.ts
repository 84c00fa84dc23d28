import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { PerMessageDeflateOptions, WebSocket as ServerSocket } from 'ws';
import { BreakpointController } from '../replay/breakpoints.ts';
import type { PausedMessage, PauseResolution } from '../replay/breakpoints.ts';
import { waitFor } from '../testing/loopback.ts';
import { afterHead, capture, testProxy, wsUpstream } from './test-support.ts';
import type { Capture, Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Peer {
  got: string[];
  errors: string[];
}

function listen(socket: WebSocket, peer: Peer): void {
  socket.on('message', (data: Buffer, binary) => {
    peer.got.push(binary ? `bin:${data.toString('hex')}` : data.toString());
  });
  socket.on('error', (error: Error) => {
    peer.errors.push(error.message);
  });
}

async function setup(
  deflate: boolean | PerMessageDeflateOptions = false,
  timeoutMs = 10_000,
  upgradeHeaders: { headers: Record<string, string | string[] | undefined>[] } = { headers: [] },
) {
  const paused: PausedMessage[] = [];
  const resolved: [string, PauseResolution][] = [];
  const breakpoints = new BreakpointController({
    timeoutMs,
    onPause: (m) => paused.push(m),
    onResolve: (m, how) => resolved.push([m.id, how]),
  });
  const server: Peer = { got: [], errors: [] };
  const client: Peer = { got: [], errors: [] };
  let serverSocket: ServerSocket | undefined;
  const upstream = await wsUpstream(
    cleanups,
    {
      perMessageDeflate: deflate,
      verifyClient: (info: { req: { headers: Record<string, string | string[] | undefined> } }) => {
        upgradeHeaders.headers.push(info.req.headers);
        return true;
      },
    },
    (socket) => {
      serverSocket = socket;
      listen(socket, server);
    },
  );
  const { store, proxy } = await testProxy(cleanups, {
    target: `ws://127.0.0.1:${String(upstream.port)}`,
    breakpoints,
  });
  let clientCapture: Capture | undefined;
  const open = async (headers: Record<string, string> = {}) => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/room/7`, {
      perMessageDeflate: deflate !== false,
      headers,
      createConnection: () => {
        const socket = net.connect(proxy.port, '127.0.0.1');
        clientCapture = capture(socket);
        return socket;
      },
    });
    listen(ws, client);
    cleanups.push(() => {
      ws.terminate();
    });
    await new Promise((resolve) => ws.once('open', resolve));
    await waitFor(() => serverSocket !== undefined);
    return ws;
  };
  return {
    store,
    proxy,
    breakpoints,
    paused,
    resolved,
    server,
    client,
    open,
    serverSocket: () => serverSocket as ServerSocket,
    clientCapture: () => clientCapture,
    upstream,
  };
}

const interventions = (s: Awaited<ReturnType<typeof setup>>) =>
  [...s.store.allEntries()]
    .filter((e) => e.kind === 'text' || e.kind === 'binary')
    .map((e) => [e.direction, e.payload, e.intervention]);

describe('breakpoints in the proxy', () => {
  it('pause → edit → forward, with later messages held behind the paused one', async () => {
    const s = await setup();
    s.breakpoints.setRules([{ id: 'r1', filter: 'dir:out secret', action: 'pause' }]);
    const ws = await s.open();
    ws.send('hello');
    ws.send('my secret plan');
    ws.send('after');
    await waitFor(() => s.paused.length === 1, 2000, 'the pause');
    expect(s.breakpoints.pending()).toMatchObject([
      { direction: 'out', kind: 'text', payload: 'my secret plan', ruleId: 'r1' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.server.got).toEqual(['hello']);
    expect(s.breakpoints.forward(s.paused[0]?.id ?? '', 'my public plan')).toBe(true);
    await waitFor(() => s.server.got.length === 3, 2000, 'the rest');
    expect(s.server.got).toEqual(['hello', 'my public plan', 'after']);
    expect(s.resolved).toEqual([[s.paused[0]?.id, 'edited']]);
    expect(s.breakpoints.pending()).toEqual([]);
    await waitFor(() => interventions(s).length === 3);
    expect(interventions(s)).toEqual([
      ['out', 'hello', undefined],
      ['out', 'my public plan', 'edited'],
      ['out', 'after', undefined],
    ]);
    expect(s.server.errors).toEqual([]);
  });

  it('drop: the client never sees it; what came behind it follows', async () => {
    const s = await setup();
    s.breakpoints.setRules([{ id: 'r1', filter: 'dir:in kind:binary', action: 'pause' }]);
    await s.open();
    const server = s.serverSocket();
    server.send(Buffer.from([1, 2]));
    server.send('text goes on? no: it waits behind the binary');
    await waitFor(() => s.paused.length === 1, 2000, 'the pause');
    s.breakpoints.drop(s.paused[0]?.id ?? '');
    await waitFor(() => s.client.got.length === 1, 2000, 'the text');
    expect(s.client.got).toEqual(['text goes on? no: it waits behind the binary']);
    await waitFor(() => interventions(s).length === 2);
    expect(interventions(s)[0]).toEqual(['in', Buffer.from([1, 2]), 'dropped']);
  });

  it('a paused message goes on unchanged after the timeout', async () => {
    const s = await setup(false, 80);
    s.breakpoints.setRules([{ id: 'slow', filter: '', action: 'pause' }]);
    const ws = await s.open();
    ws.send('wait for me');
    await waitFor(() => s.server.got.length === 1, 2000, 'the timed-out message');
    expect(s.server.got).toEqual(['wait for me']);
    expect(s.resolved.map(([, how]) => how)).toEqual(['timed-out']);
  });

  it('drop and rewrite rules act without pausing', async () => {
    const s = await setup();
    s.breakpoints.setRules([
      { id: 'no-pings', filter: 'json:$.type=heartbeat', action: 'drop' },
      { id: 'swap', filter: 'dir:in hello', action: 'rewrite', replacement: 'bonjour' },
    ]);
    const ws = await s.open();
    ws.send('{"type":"heartbeat"}');
    ws.send('{"type":"chat"}');
    s.serverSocket().send('hello there');
    await waitFor(() => s.server.got.length === 1 && s.client.got.length === 1);
    expect(s.server.got).toEqual(['{"type":"chat"}']);
    expect(s.client.got).toEqual(['bonjour']);
    expect(s.paused).toEqual([]);
  });

  it('with deflate and context takeover, dropping a compressed message keeps the stream decodable', async () => {
    const s = await setup(true);
    // Each even message repeats the block of the one before it: with takeover the sender's
    // deflater refers back into the previous message, which the receiver may never have seen.
    const blocks = [0, 1, 2, 3, 4, 5].map(() => randomBytes(900).toString('hex'));
    const text = (n: number): string =>
      `${String(n)} all work ` + (blocks[Math.floor((n - 1) / 2)] ?? '');
    s.breakpoints.setRules([{ id: 'drop-2', filter: '"2 all work"', action: 'drop' }]);
    const ws = await s.open();
    for (const n of [1, 2, 3, 4]) ws.send(text(n));
    // Server → client too, with an edit of a compressed message.
    s.breakpoints.setRules([
      { id: 'drop-2', filter: '"2 all work"', action: 'drop' },
      { id: 'edit', filter: 'dir:in "5 all"', action: 'rewrite', replacement: 'five' },
    ]);
    for (const n of [5, 6, 7, 8]) s.serverSocket().send(text(n));
    await waitFor(() => s.server.got.length === 3 && s.client.got.length === 4, 3000, 'all');
    expect(s.server.got.map((t) => t.split(' ')[0])).toEqual(['1', '3', '4']);
    expect(s.client.got.map((t) => t.split(' ')[0])).toEqual(['five', '6', '7', '8']);
    expect(s.server.got[1]).toBe(text(3));
    expect(s.client.got[1]).toBe(text(6));
    expect(s.server.errors).toEqual([]);
    expect(s.client.errors).toEqual([]);
    // The taps decoded the senders' real stream throughout.
    const notes = [...s.store.allEntries()].filter((e) => (e.notes?.length ?? 0) > 0);
    expect(notes).toEqual([]);
    // Rules off: the direction that was re-encoded stays message by message; both still work.
    s.breakpoints.setRules([]);
    ws.send(text(9));
    s.serverSocket().send(text(10));
    await waitFor(() => s.server.got.length === 4 && s.client.got.length === 5, 3000, 'after');
    expect(s.server.got[3]?.startsWith('9 ')).toBe(true);
    expect(s.client.got[4]?.startsWith('10 ')).toBe(true);
  });

  it('injection still lands between messages while rules are on', async () => {
    const s = await setup();
    s.breakpoints.setRules([{ id: 'p', filter: 'hold', action: 'pause' }]);
    const ws = await s.open();
    ws.send('hold this');
    await waitFor(() => s.paused.length === 1);
    const [id] = s.proxy.liveConnections();
    const injected = s.proxy.inject(id ?? '', 'out', { kind: 'text', payload: 'INJ' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(s.server.got).toEqual([]);
    s.breakpoints.forward(s.paused[0]?.id ?? '');
    await injected;
    await waitFor(() => s.server.got.length === 2);
    expect(s.server.got).toEqual(['hold this', 'INJ']);
  });

  it('handshake rules add, remove and change upgrade request headers', async () => {
    const seen = { headers: [] as Record<string, string | string[] | undefined>[] };
    const s = await setup(false, 10_000, seen);
    s.breakpoints.setHandshakeRules([
      {
        id: 'h1',
        url: '*/room/*',
        add: [['X-Debug', 'on']],
        remove: ['Cookie'],
        set: [['Authorization', 'Bearer swapped']],
      },
      { id: 'other', url: 'ws://elsewhere/*', add: [['X-Never', '1']] },
    ]);
    await s.open({ Cookie: 'sid=1', Authorization: 'Bearer original', 'X-Keep': 'yes' });
    const headers = seen.headers[0] ?? {};
    expect(headers['x-debug']).toBe('on');
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBe('Bearer swapped');
    expect(headers['x-keep']).toBe('yes');
    expect(headers['x-never']).toBeUndefined();
    const connection = s.store.connections()[0];
    expect(connection?.requestHeaders).toContainEqual(['Authorization', 'Bearer swapped']);
    expect(connection?.requestHeaders.some(([n]) => n.toLowerCase() === 'cookie')).toBe(false);
    const info = [...s.store.entriesOf(connection?.id ?? '')].find((e) => e.lifecycle === 'info');
    expect(info?.payload).toBe('request headers changed by handshake rule h1');
  });

  it('with rules on, what no rule touches is relayed byte for byte, fragments and pings included', async () => {
    const s = await setup();
    s.breakpoints.setRules([{ id: 'never', filter: 'no-such-text-anywhere', action: 'drop' }]);
    const ws = await s.open();
    ws.send('frag 1 ', { fin: false });
    ws.ping('between');
    ws.send('frag 2', { fin: true });
    ws.send(Buffer.from([9, 8, 7]));
    await waitFor(() => s.server.got.length === 2, 2000, 'both messages');
    expect(s.server.got).toEqual(['frag 1 frag 2', 'bin:090807']);
    const clientWrote = afterHead(s.clientCapture()?.written ?? []);
    const serverRead = afterHead(s.upstream.captures[0]?.read ?? []);
    expect(serverRead.length).toBeGreaterThan(30);
    expect(serverRead.equals(clientWrote)).toBe(true);
  });

  it('drop keeps the control frames that came between the fragments', async () => {
    const s = await setup();
    s.breakpoints.setRules([{ id: 'd', filter: 'frag', action: 'drop' }]);
    const ws = await s.open();
    const pings: string[] = [];
    s.serverSocket().on('ping', (data: Buffer) => pings.push(data.toString()));
    ws.send('frag 1 ', { fin: false });
    ws.ping('between');
    ws.send('frag 2', { fin: true });
    ws.send('kept');
    await waitFor(() => s.server.got.length === 1 && pings.length === 1, 2000, 'the rest');
    expect(s.server.got).toEqual(['kept']);
    expect(pings).toEqual(['between']);
    expect(s.server.errors).toEqual([]);
  });

  it('refuses a rule whose filter does not parse', async () => {
    const s = await setup();
    expect(() => {
      s.breakpoints.setRules([{ id: 'bad', filter: 'size>>', action: 'drop' }]);
    }).toThrow(/rule bad/);
  });
});
