/**
 * The SignalR dissector against the real client: `@microsoft/signalr`'s HubConnection (JSON, and
 * `@microsoft/signalr-protocol-msgpack`) talking to a hub server built from the published specs
 * (hub-server.ts) through Telltale's reverse proxy, on each transport. What the library reports
 * (results, errors, stream items, the server's invocation) and what the server logged must be
 * what the protocol view shows, paired, in one channel per connection token.
 */
import {
  HttpTransportType,
  HubConnectionBuilder,
  JsonHubProtocol,
  LogLevel,
  type IHubProtocol,
} from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import type { Direction } from '../../../../shared/model/entry.ts';
import type { ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { hexOf } from '../payload-tree/tree.ts';
import { startHubServer } from './hub-server.ts';
import { SIGNALR_TYPES } from './messages.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const cases: [string, 'json' | 'messagepack', HttpTransportType][] = [
  ['WebSockets', 'json', HttpTransportType.WebSockets],
  ['WebSockets', 'messagepack', HttpTransportType.WebSockets],
  ['ServerSentEvents', 'json', HttpTransportType.ServerSentEvents],
  ['LongPolling', 'json', HttpTransportType.LongPolling],
  ['LongPolling', 'messagepack', HttpTransportType.LongPolling],
];

interface Shown {
  direction: Direction;
  message: ProtocolMessage;
  tree: Record<string, unknown>;
  seq: number;
}

describe('SignalR dissection of the real client through the proxy', () => {
  it.each(cases)(
    '%s, %s encoding',
    async (transportName, encoding, transport) => {
      const hub = await startHubServer();
      cleanups.push(() => hub.close());
      const store = new SessionStore({ batchIntervalMs: 1 });
      const views = new ProtocolViews(store);
      cleanups.push(() => {
        views.dispose();
      });
      const proxy = await startProxy(store, { port: 0, target: hub.origin });
      cleanups.push(() => proxy.close());

      const protocol: IHubProtocol =
        encoding === 'messagepack' ? new MessagePackHubProtocol() : new JsonHubProtocol();
      const connection = new HubConnectionBuilder()
        .withUrl(`${proxy.url}/hub`, { transport })
        .withHubProtocol(protocol)
        .configureLogging(LogLevel.None)
        .build();
      cleanups.push(() => connection.stop());
      const poked = new Promise<unknown[]>((resolve) => {
        connection.on('Poked', (...args: unknown[]) => {
          resolve(args);
        });
      });

      // What the library reports.
      await connection.start();
      const sum = await connection.invoke<number>('Add', 2, 3);
      const failure = await connection.invoke('Fail', 'why').then(
        () => 'no error',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      const blob = new Uint8Array([1, 2, 250]);
      const echoed = await connection.invoke<unknown>(
        'Echo',
        encoding === 'messagepack' ? blob : 'e',
      );
      await connection.invoke('Poke', 'hey');
      const pokedArgs = await poked;
      const items: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        connection.stream<unknown>('Counter', 3).subscribe({
          next: (item) => items.push(item),
          complete: resolve,
          error: reject,
        });
      });
      await connection.stop();
      expect([sum, failure, pokedArgs, items]).toEqual([5, 'Failed: why', ['hey', 42], [0, 1, 2]]);

      const [session] = hub.sessions;
      expect(session).toMatchObject({ transport: transportName, encoding });
      if (session === undefined) return;
      // Every hub message the server logged each way, Close included, is in the view.
      const logged = session.received.length + session.sent.length;
      const shownHub = () =>
        views
          .annotations()
          .flatMap((a) => a.messages)
          .filter((m) => Object.values(SIGNALR_TYPES).includes(m.kind)).length;
      await waitFor(
        () => {
          store.flush();
          return shownHub() >= logged;
        },
        5000,
        'the protocol view to catch up',
      );

      const shown: Shown[] = views.annotations().flatMap((a) =>
        a.messages.map((message) => ({
          direction: a.direction,
          message,
          tree: (views.detailOf(a.seq)?.trees[message.index] ?? {}) as Record<string, unknown>,
          seq: a.seq,
        })),
      );
      expect(shown.filter((s) => s.message.malformed !== undefined)).toEqual([]);
      expect(shown.map((s) => `${s.direction} ${s.message.kind}`)).toEqual(
        expect.arrayContaining(['out HandshakeRequest', 'in HandshakeResponse']),
      );
      const hubShown = (direction: Direction) =>
        shown.filter((s) => s.direction === direction && s.tree.type !== undefined);
      const kinds = (messages: { type?: unknown }[]) =>
        messages.map((m) => SIGNALR_TYPES[Number(m.type)]);
      // Same messages, same order, as the server read and wrote them.
      expect(kinds(hubShown('out').map((s) => s.tree))).toEqual(kinds(session.received));
      expect(kinds(hubShown('in').map((s) => s.tree))).toEqual(kinds(session.sent));
      expect(hubShown('out').map((s) => s.message.kind)).toEqual(kinds(session.received));

      // Each invocation is paired with its completion; the answer says what the library got.
      const byTarget = new Map<string, { answer: Record<string, unknown>; latencyMs: number }>();
      for (const pair of views.pairs().filter((p) => p.kind === 'invocation')) {
        const request = shown.find(
          (s) => s.seq === pair.request.seq && s.message.index === pair.request.index,
        );
        const answer = shown.find(
          (s) => s.seq === pair.answer.seq && s.message.index === pair.answer.index,
        );
        expect(answer?.message.kind).toBe('Completion');
        expect(answer?.message.fields.invocationId).toBe(request?.message.fields.invocationId);
        expect(pair.latencyMs).toBeGreaterThanOrEqual(0);
        byTarget.set(String(request?.message.fields.target), {
          answer: answer?.tree ?? {},
          latencyMs: pair.latencyMs,
        });
      }
      expect([...byTarget.keys()].sort()).toEqual(['Add', 'Counter', 'Echo', 'Fail', 'Poke']);
      expect(byTarget.get('Add')?.answer.result).toBe(sum);
      expect(byTarget.get('Fail')?.answer.error).toBe(failure);
      expect(byTarget.get('Echo')?.answer.result).toEqual(
        echoed instanceof Uint8Array ? { $bytes: hexOf(echoed), length: echoed.length } : echoed,
      );
      expect(byTarget.get('Poke')?.answer).not.toHaveProperty('result');
      expect(views.pairs().filter((p) => p.kind === 'handshake')).toHaveLength(1);
      expect(views.unanswered()).toEqual([]);

      const counter = shown.find((s) => s.message.fields.target === 'Counter');
      expect(counter?.message.kind).toBe('StreamInvocation');
      expect(
        shown
          .filter(
            (s) =>
              s.message.kind === 'StreamItem' &&
              s.message.fields.invocationId === counter?.message.fields.invocationId,
          )
          .map((s) => s.tree.item),
      ).toEqual(items);
      const poke = shown.find((s) => s.direction === 'in' && s.message.fields.target === 'Poked');
      expect(poke?.message.kind).toBe('Invocation');
      expect(poke?.tree.arguments).toEqual(pokedArgs);

      // One channel for the session's connections, named by its token (negotiate apart).
      const channels = views.channels();
      const main = channels.find((c) => c.id === `signalr:${session.token}`);
      expect(main).toMatchObject({ protocol: 'signalr', malformed: 0, unanswered: 0 });
      const negotiate = store
        .connections()
        .filter((c) => c.url.includes('/negotiate'))
        .map((c) => c.id);
      expect(negotiate).toHaveLength(1);
      const others = store.connections().filter((c) => !negotiate.includes(c.id));
      const dissected = others.filter((c) => views.protocolOf(c.id) === 'signalr');
      expect(main?.connectionIds.sort()).toEqual(
        dissected
          .filter((c) => views.channelOf(c.id) === main?.id)
          .map((c) => c.id)
          .sort(),
      );
      if (transport !== HttpTransportType.WebSockets) {
        // SSE/poll GETs and POSTs: several connections, all in the token's channel.
        expect(main?.connectionIds.length).toBeGreaterThan(2);
      }
      const negotiated = views.annotations().find((a) => a.connectionId === negotiate[0]);
      expect(negotiated?.messages[0]).toMatchObject({
        kind: 'NegotiateResponse',
        fields: { transports: 'WebSockets,ServerSentEvents,LongPolling' },
      });
    },
    20_000,
  );
});
