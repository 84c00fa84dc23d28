/**
 * The Socket.IO dissector against the real libraries: a `socket.io` server behind Telltale's
 * reverse proxy, a `socket.io-client` (WebSocket transport) in front. What the libraries report
 * (events, ack values, binary payloads) must be what the protocol view says.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import type { Direction } from '../../../../shared/model/entry.ts';
import type { ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { listenLoopback, waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import type { SioPacket } from './socketio-packet.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One event as a library saw it arrive: `in` reached the client, `out` reached the server. */
interface Seen {
  direction: Direction;
  ns: string;
  event: string;
  args: unknown[];
}

/** Buffers and typed arrays compared as bytes, whatever class the library handed over. */
function plain(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) {
    return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  }
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      resolve();
    });
    socket.once('connect_error', reject);
  });
}

describe('Socket.IO dissection of the real libraries through the proxy', () => {
  it('events, acks both ways, binary both ways and a second namespace match what the libraries report', async () => {
    const seen: Seen[] = [];
    const acks: { direction: Direction; ns: string; value: unknown }[] = [];
    const bin = Buffer.from([0, 1, 2, 250, 255]);
    const binBack = Buffer.from([7, 7, 7]);

    const httpUpstream = http.createServer();
    const sio = new Server(httpUpstream, { transports: ['websocket'] });
    for (const nsName of ['/', '/admin']) {
      sio.of(nsName).on('connection', (socket) => {
        socket.onAny((event: string, ...args: unknown[]) => {
          const last = args.at(-1);
          const shown = typeof last === 'function' ? args.slice(0, -1) : args;
          seen.push({ direction: 'out', ns: nsName, event, args: shown });
          // `upload` is acked with bytes: a BINARY_ACK and its attachment.
          const reply = event === 'upload' ? binBack : `ok:${event}`;
          if (typeof last === 'function') (last as (v: unknown) => void)(reply);
        });
        socket.on('go', () => {
          socket.emit('ask', 41, (reply: unknown) => {
            acks.push({ direction: 'out', ns: nsName, value: plain([reply]) });
          });
          socket.emit('blob', binBack);
        });
      });
    }
    const upstream = await listenLoopback(httpUpstream);
    cleanups.push(async () => {
      await sio.close();
      await upstream.close();
    });

    const store = new SessionStore({ batchIntervalMs: 1 });
    const views = new ProtocolViews(store);
    cleanups.push(() => {
      views.dispose();
    });
    const proxy = await startProxy(store, {
      port: 0,
      target: `http://127.0.0.1:${upstream.port}`,
    });
    cleanups.push(() => proxy.close());

    const options = { transports: ['websocket'], reconnection: false };
    const root = io(proxy.url, options);
    const admin = io(`${proxy.url}/admin`, options);
    cleanups.push(() => {
      root.disconnect();
      admin.disconnect();
    });
    for (const [socket, ns] of [
      [root, '/'],
      [admin, '/admin'],
    ] as const) {
      socket.onAny((event: string, ...args: unknown[]) => {
        const last = args.at(-1);
        const shown = typeof last === 'function' ? args.slice(0, -1) : args;
        seen.push({ direction: 'in', ns, event, args: shown });
        if (typeof last === 'function') (last as (v: unknown) => void)({ got: args[0] });
      });
    }
    await Promise.all([connected(root), connected(admin)]);

    const emitted: Promise<void>[] = [];
    for (const [socket, ns] of [
      [root, '/'],
      [admin, '/admin'],
    ] as const) {
      emitted.push(
        socket
          .timeout(3000)
          .emitWithAck('hello', 'x', 1)
          .then((value: unknown) => {
            acks.push({ direction: 'in', ns, value: plain([value]) });
          }),
      );
    }
    emitted.push(
      root
        .timeout(3000)
        .emitWithAck('upload', bin, { note: 'n' })
        .then((value: unknown) => {
          acks.push({ direction: 'in', ns: '/', value: plain([value]) });
        }),
    );
    root.emit('go');
    await Promise.all(emitted);
    // Client-side: ask and blob; server-side: hello ×2, upload, go; plus the client's ack reply.
    await waitFor(() => seen.length >= 6 && acks.length >= 4, 3000, 'the libraries');
    await waitFor(
      () => {
        store.flush();
        return views.pairs().filter((p) => p.kind === 'ack').length >= acks.length;
      },
      3000,
      'the ack pairs',
    );

    const messages = views
      .annotations()
      .flatMap((a) => a.messages.map((m) => ({ annotation: a, message: m })));
    expect(messages.filter(({ message }) => message.malformed !== undefined)).toEqual([]);
    expect(views.unanswered()).toEqual([]);
    expect(views.channels()).toMatchObject([
      { protocol: 'socketio', chosenBy: 'url', malformed: 0, unanswered: 0 },
    ]);

    // Every event the libraries delivered is one EVENT/BINARY_EVENT, with its args joined.
    const isEvent = (m: ProtocolMessage) => m.kind === 'EVENT' || m.kind === 'BINARY_EVENT';
    const dissectedEvents = messages
      .filter(({ message }) => isEvent(message))
      .map(({ annotation, message }) => {
        const tree = views.detailOf(annotation.seq)?.trees[message.index] as SioPacket;
        const [event, ...args] = tree.data as unknown[];
        expect(event).toBe(message.fields.event);
        return {
          direction: annotation.direction,
          ns: message.fields.ns,
          event: message.fields.event,
          args: plain(args),
        };
      });
    const key = (e: { direction: string; ns: unknown; event: unknown }) =>
      `${e.direction} ${String(e.ns)} ${String(e.event)}`;
    expect(dissectedEvents.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      seen.map((e) => ({ ...e, args: plain(e.args) })).sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect(dissectedEvents.filter((e) => e.event === 'upload' || e.event === 'blob')).toHaveLength(
      2,
    );
    expect(messages.filter(({ message }) => message.kind === 'BINARY_ACK')).toHaveLength(1);
    expect(messages.filter(({ message }) => message.kind === 'attachment')).toHaveLength(3);

    // Every ack the libraries resolved is one pair: the event with an ack id ↔ its ACK.
    const ackPairs = views.pairs().filter((p) => p.kind === 'ack');
    const dissectedAcks = ackPairs.map((pair) => {
      expect(pair.latencyMs).toBeGreaterThanOrEqual(0);
      const request = views.annotationOf(pair.request.seq)?.messages[pair.request.index];
      const answer = views.annotationOf(pair.answer.seq)?.messages[pair.answer.index];
      expect(request && isEvent(request)).toBe(true);
      expect(answer?.kind).toMatch(/^(BINARY_)?ACK$/);
      expect(answer?.fields.ackId).toBe(request?.fields.ackId);
      expect(pair.key).toBe(`${String(request?.fields.ns)}#${String(request?.fields.ackId)}`);
      const tree = views.detailOf(pair.answer.seq)?.trees[pair.answer.index] as SioPacket;
      // The acked event's direction is the side that resolved the ack.
      return {
        direction: views.annotationOf(pair.request.seq)?.direction,
        ns: answer?.fields.ns,
        value: plain(tree.data),
      };
    });
    const ackKey = (a: { direction?: string; ns: unknown; value: unknown }) =>
      `${String(a.direction)} ${String(a.ns)} ${JSON.stringify(a.value)}`;
    expect(dissectedAcks.map(ackKey).sort()).toEqual(
      acks.map((a) => ackKey({ ...a, direction: a.direction === 'in' ? 'out' : 'in' })).sort(),
    );
  });
});

describe('Socket.IO long polling (and its upgrade) through the proxy', () => {
  async function session(transports: string[]): Promise<{
    store: SessionStore;
    views: ProtocolViews;
    client: ClientSocket;
    serverAcks: unknown[];
    serverSeen: unknown[][];
  }> {
    const serverSeen: unknown[][] = [];
    const serverAcks: unknown[] = [];
    const httpUpstream = http.createServer();
    const sio = new Server(httpUpstream);
    sio.on('connection', (socket) => {
      socket.onAny((event: string, ...args: unknown[]) => {
        const last = args.at(-1);
        serverSeen.push([
          event,
          ...(plain(typeof last === 'function' ? args.slice(0, -1) : args) as unknown[]),
        ]);
        if (typeof last === 'function') (last as (v: unknown) => void)(`ok:${event}`);
      });
      socket.on('go', () => {
        socket.emit('ask', 41, (reply: unknown) => serverAcks.push(plain(reply)));
        socket.emit('blob', Buffer.from([9, 8, 7]));
      });
    });
    const upstream = await listenLoopback(httpUpstream);
    cleanups.push(async () => {
      await sio.close();
      await upstream.close();
    });
    const store = new SessionStore({ batchIntervalMs: 1 });
    const views = new ProtocolViews(store);
    const proxy = await startProxy(store, { port: 0, target: `http://127.0.0.1:${upstream.port}` });
    cleanups.push(async () => {
      views.dispose();
      await proxy.close();
    });
    const client = io(proxy.url, {
      transports,
      reconnection: false,
      upgrade: transports.length > 1,
    });
    cleanups.push(() => {
      client.disconnect();
    });
    client.on('ask', (n: number, ack: (v: unknown) => void) => {
      ack(n + 1);
    });
    await connected(client);
    return { store, views, client, serverAcks, serverSeen };
  }

  async function exchange(client: ClientSocket): Promise<unknown[]> {
    const replies = await Promise.all([
      client.timeout(3000).emitWithAck('hello', 'x', 1),
      client.timeout(3000).emitWithAck('upload', Buffer.from([1, 2, 250])),
    ]);
    client.emit('go');
    return replies;
  }

  function dissected(views: ProtocolViews): { kind: string; event: unknown; args: unknown }[] {
    return views.annotations().flatMap((a) =>
      a.messages.map((m) => {
        const tree = views.detailOf(a.seq)?.trees[m.index] as SioPacket | undefined;
        return { kind: m.kind, event: m.fields.event, args: plain(tree?.data) };
      }),
    );
  }

  it('polling only: packets of each body read one by one, attachments in base64 joined, acks paired across requests', async () => {
    const { store, views, client, serverAcks, serverSeen } = await session(['polling']);
    const replies = await exchange(client);
    expect(replies).toEqual(['ok:hello', 'ok:upload']);
    await waitFor(() => serverAcks.length === 1 && serverSeen.length === 3, 3000, 'the server');
    await waitFor(
      () => {
        store.flush();
        return views.pairs().filter((p) => p.kind === 'ack').length === 3;
      },
      3000,
      'three ack pairs',
    );
    const all = dissected(views);
    expect(all.filter((m) => m.kind === 'malformed')).toEqual([]);
    // What the server got, as the view shows the client's events (binary joined back in).
    const events = all.filter((m) => m.kind === 'EVENT' || m.kind === 'BINARY_EVENT');
    const sent = serverSeen.map(([event, ...args]) => ({ event, args }));
    for (const seen of sent) {
      expect(
        events.some(
          (e) =>
            e.event === seen.event &&
            JSON.stringify((e.args as unknown[]).slice(1)) === JSON.stringify(seen.args),
        ),
      ).toBe(true);
    }
    expect(all.filter((m) => m.kind === 'attachment')).toHaveLength(2);
    // One Engine.IO session: every polling request (the handshake's too) in one channel.
    const channels = views.channels();
    expect(channels).toHaveLength(1);
    expect(channels[0]?.id).toBe(`eio:${client.io.engine.id}`);
    const kinds = new Set(channels[0]?.connectionIds.map((id) => store.getConnection(id)?.kind));
    expect([...kinds]).toEqual(['http']);
    expect(channels[0]?.connectionIds.length).toBeGreaterThanOrEqual(4);
    // Ack pairs cross requests: an event POSTed, its ACK in a later GET body (or the other way).
    const crossing = views
      .pairs()
      .filter((p) => p.kind === 'ack' && p.request.connectionId !== p.answer.connectionId);
    expect(crossing).toHaveLength(3);
    expect(views.unanswered().filter((u) => u.kind === 'ack')).toEqual([]);
  });

  it('polling, then the upgrade: the probe, the WebSocket and the polls share the channel', async () => {
    const { store, views, client, serverAcks } = await session(['polling', 'websocket']);
    await waitFor(() => client.io.engine.transport.name === 'websocket', 3000, 'the upgrade');
    const replies = await exchange(client);
    expect(replies).toEqual(['ok:hello', 'ok:upload']);
    await waitFor(() => serverAcks.length === 1, 3000, 'the server ack');
    await waitFor(
      () => {
        store.flush();
        return views.pairs().filter((p) => p.kind === 'ack').length === 3;
      },
      3000,
      'three ack pairs',
    );
    const channel = views.channels().find((c) => c.id === `eio:${client.io.engine.id}`);
    const kinds = channel?.connectionIds.map((id) => store.getConnection(id)?.kind);
    expect(kinds).toContain('ws');
    expect(kinds).toContain('http');
    const all = dissected(views);
    expect(all.filter((m) => m.kind === 'malformed')).toEqual([]);
    expect(all.map((m) => m.kind)).toContain('upgrade');
    expect(views.pairs().some((p) => p.kind === 'ping' && p.key === 'probe')).toBe(true);
  });
});
