/**
 * Dissection of real WebSocket traffic on loopback: a `ws` server speaking each protocol's wire
 * format (hand-built from the published specs), recorded by Telltale's own client, dissected
 * live from the store's change feed while the connection runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import { openWsConnection } from '../../connect/ws-client.ts';
import { SessionStore } from '../../session/store.ts';
import { httpServer, listenLoopback, waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from './protocol-views.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wsServer(
  options: ConstructorParameters<typeof WebSocketServer>[0],
  onConnection: (socket: ServerSocket) => void,
): Promise<number> {
  const server = httpServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ ...options, server });
  wss.on('connection', onConnection);
  const listening = await listenLoopback(server);
  cleanups.push(async () => {
    wss.close();
    await listening.close();
  });
  return listening.port;
}

async function live(store: SessionStore, views: ProtocolViews, done: () => boolean): Promise<void> {
  await waitFor(() => {
    store.flush();
    return done();
  });
  expect(views.annotations().length).toBeGreaterThan(0);
}

describe('dissection of real WebSocket traffic on loopback', () => {
  it('Socket.IO: handshake, events, acks both ways, binary attachments, with permessage-deflate', async () => {
    const port = await wsServer({ perMessageDeflate: { threshold: 0 } }, (socket) => {
      socket.send(
        '0{"sid":"S1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
      );
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = (data as Buffer).toString('utf8');
        if (text === '40') socket.send('40{"sid":"N1"}');
        const ack = /^42(\d+)\[/.exec(text);
        if (ack !== null) socket.send(`43${ack[1] ?? ''}["ok"]`);
        if (text.startsWith('451-')) {
          socket.send('421["ask"]');
          socket.send('451-["bin",{"_placeholder":true,"num":0}]');
          socket.send(Buffer.from([1, 2, 3]));
        }
      });
    });
    const store = new SessionStore({ batchIntervalMs: 1 });
    const views = new ProtocolViews(store);
    const handle = openWsConnection(store, {
      url: `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
    });
    await handle.opened;
    await handle.sendText('40');
    await handle.sendText('427["chat","hi"]');
    await handle.sendText('451-["up",{"_placeholder":true,"num":0}]');
    await handle.sendBinary(Uint8Array.of(9, 9, 9, 9));
    await live(store, views, () => views.annotations().length >= 9);
    await handle.sendText('431["thanks"]');
    await live(store, views, () => views.pairs().length >= 3);
    await handle.close(1000);
    const kinds = views.annotations().map((a) => `${a.direction} ${a.messages[0]?.kind ?? ''}`);
    // Both directions interleave as the loopback schedules them: compare as sets.
    expect([...kinds].sort()).toEqual(
      [
        'in open',
        'out CONNECT',
        'out EVENT',
        'out BINARY_EVENT',
        'out attachment',
        'in CONNECT',
        'in ACK',
        'in EVENT',
        'in BINARY_EVENT',
        'in attachment',
        'out ACK',
      ].sort(),
    );
    expect(views.pairs().map((p) => [p.kind, p.key])).toEqual([
      ['connect', '/'],
      ['ack', '/#7'],
      ['ack', '/#1'],
    ]);
    expect(views.pairs().every((p) => p.latencyMs >= 0)).toBe(true);
    expect(views.channels()[0]).toMatchObject({
      protocol: 'socketio',
      chosenBy: 'url',
      malformed: 0,
    });
    views.dispose();
  });

  it('graphql-transport-ws and JSON-RPC: chosen by the negotiated subprotocol, paired live', async () => {
    const port = await wsServer(
      { handleProtocols: (protocols) => [...protocols][0] ?? false },
      (socket) => {
        socket.on('message', (data) => {
          const message = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
          if (socket.protocol === 'graphql-transport-ws') {
            if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
            if (message.type === 'subscribe') {
              socket.send(
                JSON.stringify({ type: 'next', id: message.id, payload: { data: { n: 1 } } }),
              );
              socket.send(JSON.stringify({ type: 'complete', id: message.id }));
            }
          } else if ('id' in message) {
            socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: 'pong' }));
          }
        });
      },
    );
    const store = new SessionStore({ batchIntervalMs: 1 });
    const views = new ProtocolViews(store);
    const changed = new Set<string>();
    views.onChange((ids) => {
      for (const id of ids) changed.add(id);
    });
    const gql = openWsConnection(store, {
      url: `ws://127.0.0.1:${port}/graphql`,
      protocols: ['graphql-transport-ws'],
    });
    const rpc = openWsConnection(store, {
      url: `ws://127.0.0.1:${port}/rpc`,
      protocols: ['jsonrpc'],
    });
    await Promise.all([gql.opened, rpc.opened]);
    await gql.sendText('{"type":"connection_init"}');
    await gql.sendText('{"type":"subscribe","id":"a","payload":{"query":"query Me { me }"}}');
    await rpc.sendText('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    await rpc.sendText('{"jsonrpc":"2.0","method":"note"}');
    await live(store, views, () => views.pairs().length >= 3);
    await Promise.all([gql.close(1000), rpc.close(1000)]);
    expect(views.protocolOf(gql.connectionId)).toBe('graphql-transport-ws');
    expect(views.protocolOf(rpc.connectionId)).toBe('jsonrpc');
    expect(
      views
        .pairs()
        .map((p) => `${p.protocol} ${p.kind} ${p.key}`)
        .sort(),
    ).toEqual([
      'graphql-transport-ws first-result a',
      'graphql-transport-ws init ',
      'jsonrpc call 1',
    ]);
    expect(views.unanswered()).toEqual([]);
    expect(changed).toEqual(new Set([gql.connectionId, rpc.connectionId]));
    views.dispose();
  });
});
