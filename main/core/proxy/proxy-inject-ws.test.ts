import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { PerMessageDeflateOptions, WebSocket as ServerSocket } from 'ws';
import { waitFor } from '../testing/loopback.ts';
import { InjectError } from './inject-error.ts';
import { afterHead, capture, testProxy, wsUpstream } from './test-support.ts';
import type { Capture, Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];

/** `read` with each inserted run (of the given sizes, in order) cut out where it departs from `written`. */
function withoutInsertions(read: Buffer, written: Buffer, sizes: number[]): Buffer {
  let result = read;
  for (const size of sizes) {
    let at = 0;
    while (at < written.length && result[at] === written[at]) at++;
    result = Buffer.concat([result.subarray(0, at), result.subarray(at + size)]);
  }
  return result;
}
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Peer {
  got: string[];
  errors: string[];
}

const describeData = (data: Buffer, binary: boolean): string =>
  binary
    ? `bin:${data.toString('hex')}`
    : data.length > 40
      ? `text(${String(data.length)}):${data.toString().slice(0, 8)}`
      : data.toString();

function listen(socket: WebSocket, peer: Peer): void {
  socket.on('message', (data: Buffer, binary) => {
    peer.got.push(describeData(data, binary));
  });
  socket.on('error', (error: Error) => {
    peer.errors.push(error.message);
  });
}

/** A ws client → Telltale reverse proxy → ws server, both ends real `ws` peers. */
async function setup(deflate: boolean | PerMessageDeflateOptions) {
  const server: Peer = { got: [], errors: [] };
  const client: Peer = { got: [], errors: [] };
  let serverSocket: ServerSocket | undefined;
  const upstream = await wsUpstream(cleanups, { perMessageDeflate: deflate }, (socket) => {
    serverSocket = socket;
    listen(socket, server);
  });
  const { store, proxy } = await testProxy(cleanups, {
    target: `ws://127.0.0.1:${String(upstream.port)}`,
  });
  let clientCapture: Capture | undefined;
  const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/socket`, {
    perMessageDeflate: deflate !== false,
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
  await waitFor(() => serverSocket !== undefined && proxy.liveConnections().length === 1);
  const connectionId = proxy.liveConnections()[0] ?? '';
  /** Bytes the upstream has read after the handshake request. */
  const upstreamRead = (): number => afterHead(upstream.captures[0]?.read ?? []).length;
  /** What the client wrote and the server read, after the handshake. */
  const wire = () => ({
    written: afterHead(clientCapture?.written ?? []),
    read: afterHead(upstream.captures[0]?.read ?? []),
  });
  return {
    wire,
    store,
    proxy,
    ws,
    server,
    client,
    serverSocket: serverSocket as ServerSocket,
    connectionId,
    upstreamRead,
  };
}

const big = (tag: string): string =>
  `${tag}:` + 'the quick brown fox jumps over the lazy dog '.repeat(60);

async function conversation(deflate: boolean | PerMessageDeflateOptions) {
  const s = await setup(deflate);
  const { proxy, ws, serverSocket, connectionId } = s;
  ws.send(big('c1'));
  serverSocket.send(big('s1'));
  await waitFor(() => s.server.got.length === 1 && s.client.got.length === 1);
  await proxy.inject(connectionId, 'out', { kind: 'text', payload: 'injected to server' });
  await proxy.inject(connectionId, 'in', { kind: 'text', payload: 'injected to client' });
  await proxy.inject(connectionId, 'out', { kind: 'binary', payload: Uint8Array.of(1, 2, 3) });
  // The real peers go on compressing (with takeover: against their windows) after ours.
  ws.send(big('c2'));
  serverSocket.send(big('s2'));
  ws.send('small c3');
  await waitFor(() => s.server.got.length === 5 && s.client.got.length === 3, 5000, 'all messages');
  return s;
}

describe('injection into a proxied WebSocket', () => {
  for (const [name, deflate, compressedInjection] of [
    ['uncompressed', false, false],
    ['permessage-deflate with context takeover', true, false],
    [
      'permessage-deflate without context takeover',
      { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 0 },
      true,
    ],
  ] as const) {
    it(`${name}: both peers decode every message, in order, without errors`, async () => {
      const s = await conversation(deflate);
      expect(s.server.got).toEqual([
        expect.stringMatching(/^text\(\d+\):c1:/) as string,
        'injected to server',
        'bin:010203',
        expect.stringMatching(/^text\(\d+\):c2:/) as string,
        'small c3',
      ]);
      expect(s.client.got).toEqual([
        expect.stringMatching(/^text\(\d+\):s1:/) as string,
        'injected to client',
        expect.stringMatching(/^text\(\d+\):s2:/) as string,
      ]);
      expect(s.server.errors).toEqual([]);
      expect(s.client.errors).toEqual([]);
      const entries = [...s.store.entriesOf(s.connectionId)];
      // Toward the server: the client's bytes exactly, with the injected frames put in between.
      const injectedOut = entries.filter(
        (e) => e.intervention === 'injected' && e.direction === 'out',
      );
      const { written, read } = s.wire();
      expect(
        withoutInsertions(
          read,
          written,
          injectedOut.map((e) => e.wireSize),
        ).equals(written),
      ).toBe(true);
      const injected = entries.filter((e) => e.intervention === 'injected');
      expect(injected.map((e) => [e.direction, e.kind, e.frame?.masked, e.frame?.rsv1])).toEqual([
        ['out', 'text', true, compressedInjection],
        ['in', 'text', false, compressedInjection],
        ['out', 'binary', true, compressedInjection],
      ]);
      // The taps still read the real peers' messages after ours (no inflate errors).
      expect(entries.filter((e) => e.notes !== undefined && e.notes.length > 0)).toEqual([]);
      const peerTexts = entries.filter((e) => e.kind === 'text' && e.intervention === undefined);
      expect(peerTexts).toHaveLength(5);
      // ws compresses messages over its threshold: the big ones, with or without takeover.
      const bigOnes = peerTexts.filter((e) => e.payloadSize > 1024);
      expect(bigOnes).toHaveLength(4);
      if (deflate !== false) expect(bigOnes.every((e) => e.frame?.rsv1 === true)).toBe(true);
    });
  }

  it('waits for the final fragment of a message in progress, toward the server', async () => {
    const s = await setup(false);
    s.ws.send('part one, ', { fin: false });
    // The first fragment (2 + 4 + 10 bytes) has reached the server.
    await waitFor(() => s.upstreamRead() >= 16, 2000, 'the first fragment upstream');
    let sent = false;
    const injection = s.proxy
      .inject(s.connectionId, 'out', { kind: 'text', payload: 'INJ' })
      .then(() => (sent = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toBe(false);
    s.ws.send('part two', { fin: true });
    await injection;
    await waitFor(() => s.server.got.length === 2);
    expect(s.server.got).toEqual(['part one, part two', 'INJ']);
    expect(s.server.errors).toEqual([]);
  });

  it('waits for the final fragment toward the client too, with deflate and a ping between fragments', async () => {
    const s = await setup(true);
    s.serverSocket.send(big('f1'), { fin: false, compress: true });
    s.serverSocket.ping();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const injection = s.proxy.inject(s.connectionId, 'in', { kind: 'text', payload: 'INJ' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(s.client.got).toEqual([]);
    s.serverSocket.send(big('f2'), { fin: true, compress: true });
    await injection;
    s.serverSocket.send(big('after'));
    await waitFor(() => s.client.got.length === 3);
    expect(s.client.got[0]).toMatch(/^text\(\d+\):f1:/);
    expect(s.client.got.slice(1, 2)).toEqual(['INJ']);
    expect(s.client.got[2]).toMatch(/^text\(\d+\):after:/);
    expect(s.client.errors).toEqual([]);
  });

  it('refuses after a close frame, on unknown connections, and for the wrong kind', async () => {
    const s = await setup(false);
    await expect(
      s.proxy.inject('nope', 'out', { kind: 'text', payload: 'x' }),
    ).rejects.toMatchObject({ code: 'inject.not-live' });
    await expect(
      s.proxy.inject(s.connectionId, 'in', { kind: 'event', payload: 'x' }),
    ).rejects.toMatchObject({ code: 'inject.wrong-kind' });
    const closed = new Promise((resolve) => s.ws.once('close', resolve));
    s.serverSocket.close(1000, 'done');
    await closed;
    await waitFor(() => s.proxy.liveConnections().length === 0);
    await expect(
      s.proxy.inject(s.connectionId, 'in', { kind: 'text', payload: 'late' }),
    ).rejects.toBeInstanceOf(InjectError);
  });
});
