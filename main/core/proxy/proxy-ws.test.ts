import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerOptions } from 'ws';
import type { Entry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { waitFor } from '../testing/loopback.ts';
import {
  absoluteUriSocket,
  afterHead,
  capture,
  headOf,
  testProxy,
  tunnelSocket,
  wsUpstream,
} from './test-support.ts';
import type { Capture, Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Route = 'absolute-uri' | 'connect' | 'reverse';

/** An echo upstream; the client reaches it through the proxy the given way. */
async function session(route: Route, deflate: ServerOptions['perMessageDeflate']) {
  const upstream = await wsUpstream(cleanups, { perMessageDeflate: deflate }, (socket) => {
    socket.on('message', (data, isBinary) => {
      if (!isBinary && Buffer.from(data as Buffer).toString() === 'fragmented please') {
        socket.send('server ', { fin: false });
        socket.send('fragment', { fin: true });
        return;
      }
      socket.send(data, { binary: isBinary });
    });
    socket.on('ping', (data) => {
      socket.ping(data);
    });
  });
  const origin = `http://127.0.0.1:${upstream.port}`;
  const { store, proxy } = await testProxy(
    cleanups,
    route === 'reverse' ? { target: `ws://127.0.0.1:${upstream.port}` } : {},
  );
  let socket: net.Socket;
  let url = `ws://127.0.0.1:${upstream.port}/chat?room=1`;
  if (route === 'absolute-uri') socket = absoluteUriSocket(proxy.port, origin);
  else if (route === 'connect')
    socket = await tunnelSocket(proxy.port, `127.0.0.1:${upstream.port}`);
  else {
    socket = net.connect(proxy.port, '127.0.0.1');
    url = `ws://127.0.0.1:${proxy.port}/chat?room=1`;
  }
  const clientCapture: Capture = capture(socket);
  const client = new WebSocket(url, {
    perMessageDeflate: deflate === false ? false : (deflate ?? {}),
    createConnection: (() => socket) as never,
  });
  cleanups.push(() => {
    client.terminate();
  });
  await new Promise<void>((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return { store, client, upstream, clientCapture };
}

function entriesOf(store: SessionStore): Entry[] {
  const connection = store.connections().find((c) => c.kind === 'ws');
  return connection ? [...store.entriesOf(connection.id)] : [];
}

/** Sends every kind of frame, fragmented and large ones included, and closes cleanly. */
async function exercise(client: WebSocket, store: SessionStore): Promise<void> {
  const large = Buffer.alloc(3 * 1024 * 1024 + 17);
  // Pseudo-random bytes, so compression cannot shrink the frame much.
  let seed = 12345;
  for (let i = 0; i < large.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    large[i] = seed >>> 24;
  }
  const sends: (() => void)[] = [
    () => {
      client.send('hello ✓ ' + 'x'.repeat(300));
    },
    () => {
      client.send(Buffer.from([0, 1, 2, 255]), { binary: true });
    },
    () => {
      client.ping(Buffer.from('are you there'));
    },
    () => {
      client.pong(Buffer.from('unsolicited'));
    },
    () => {
      client.send('client ', { fin: false });
      client.send('fragment', { fin: true });
    },
    () => {
      client.send('fragmented please');
    },
    () => {
      client.send(large, { binary: true });
    },
    () => {
      client.send('');
    },
  ];
  for (const send of sends) send();
  await waitFor(
    () => entriesOf(store).filter((e) => e.direction === 'in' && e.kind === 'binary').length === 2,
    10_000,
    'echoes',
  );
  await waitFor(
    () => entriesOf(store).filter((e) => e.direction === 'in' && e.kind === 'text').length === 4,
    10_000,
    'text echoes',
  );
  const closed = new Promise<void>((resolve) =>
    client.once('close', () => {
      resolve();
    }),
  );
  client.close(4001, 'bye ✓');
  await closed;
}

describe.each<[Route, ServerOptions['perMessageDeflate'], string]>([
  ['absolute-uri', false, 'no compression'],
  ['absolute-uri', { threshold: 0 }, 'deflate with context takeover'],
  [
    'connect',
    { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true },
    'deflate without context takeover',
  ],
  ['reverse', { threshold: 0 }, 'deflate'],
])('WebSocket via %s, %s (%s)', (route, deflate) => {
  it('relays every byte both ways unchanged and records what was sent', async () => {
    const { store, client, upstream, clientCapture } = await session(route, deflate);
    await exercise(client, store);
    const server = upstream.captures[0];
    expect(server).toBeDefined();
    if (!server) return;
    await waitFor(
      () => store.connections().find((c) => c.kind === 'ws')?.state === 'closed',
      5000,
      'closed record',
    );
    // The 101 head reaches the client as the upstream sent it; then every frame, both ways.
    expect(headOf(clientCapture.read)).toBe(headOf(server.written));
    expect(afterHead(clientCapture.read).equals(afterHead(server.written))).toBe(true);
    expect(afterHead(server.read).equals(afterHead(clientCapture.written))).toBe(true);
    expect(afterHead(server.read).length).toBeGreaterThan(3 * 1024 * 1024);

    const connection = store.connections().find((c) => c.kind === 'ws');
    expect(connection).toMatchObject({
      source: 'proxy',
      state: 'closed',
      closeCode: 4001,
      closeReason: 'bye ✓',
      closeInitiator: 'out',
      url: `ws://127.0.0.1:${upstream.port}/chat?room=1`,
    });
    expect(connection?.bytesOut).toBe(afterHead(server.read).length);
    expect(connection?.bytesIn).toBe(afterHead(server.written).length);
    const seen = entriesOf(store)
      .filter((e) => e.kind !== 'lifecycle')
      .map((e) => [
        e.direction,
        e.kind,
        typeof e.payload === 'string' ? e.payload : Buffer.from(e.payload).length,
        e.frame?.fragments,
      ]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['out', 'text', 'hello ✓ ' + 'x'.repeat(300), 1],
        ['in', 'text', 'hello ✓ ' + 'x'.repeat(300), 1],
        ['out', 'binary', 4, 1],
        ['out', 'ping', 13, 1],
        ['in', 'pong', 13, 1],
        ['out', 'pong', 11, 1],
        ['out', 'text', 'client fragment', 2],
        ['in', 'text', 'server fragment', 2],
        ['out', 'binary', 3 * 1024 * 1024 + 17, 1],
        ['in', 'binary', 3 * 1024 * 1024 + 17, 1],
        ['out', 'text', '', 1],
        ['out', 'close', 7 + 2, 1],
        ['in', 'close', 7 + 2, 1],
      ]),
    );
    const compressed = entriesOf(store).some((e) => e.frame?.rsv1 === true);
    expect(compressed).toBe(deflate !== false);
    expect(entriesOf(store).some((e) => e.notes?.length)).toBe(false);
  });
});
