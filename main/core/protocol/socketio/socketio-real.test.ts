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
