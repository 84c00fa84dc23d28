/**
 * `ProtocolViews.peek`: what a message would be read as before it is recorded (breakpoints judge
 * held messages so). It must say what recording it then says, for every protocol (state carried
 * between messages included: split frames, handshakes, attachments, aliases), and change nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction, Entry, NewEntry } from '../../../../shared/model/entry.ts';
import { SessionStore } from '../../session/store.ts';
import { packet, str, u16 } from '../mqtt/mqtt-test-builders.ts';
import { ProtocolViews } from './protocol-views.ts';
import { testConnection } from './test-support.ts';

type Wire = [Direction, string | Uint8Array];

const RS = '\u001e';
const join = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

const sessions: Record<string, { connection: Connection; wire: Wire[] }> = {
  jsonrpc: {
    connection: testConnection('c', { protocol: 'jsonrpc' }),
    wire: [
      ['out', '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'],
      ['out', '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x"}}'],
      ['in', '{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}'],
      [
        'in',
        '[{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}]',
      ],
      ['in', '{"jsonrpc":"2.0","id":9,"result":0}'],
    ],
  },
  socketio: {
    connection: testConnection('c', {
      url: 'ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket',
    }),
    wire: [
      ['in', '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'],
      ['out', '40'],
      ['in', '40{"sid":"s1"}'],
      ['out', '421["chat","hi"]'],
      ['in', '431["ok"]'],
      ['out', '451-3["upload",{"_placeholder":true,"num":0}]'],
      ['out', Uint8Array.of(1, 2, 3)],
      ['out', Uint8Array.of(4)],
      ['in', '2'],
      ['out', '3'],
    ],
  },
  graphql: {
    connection: testConnection('c', { protocol: 'graphql-transport-ws' }),
    wire: [
      ['out', '{"type":"connection_init"}'],
      ['in', '{"type":"connection_ack"}'],
      ['out', '{"type":"subscribe","id":"1","payload":{"query":"subscription OnMessage { m }"}}'],
      ['in', '{"type":"next","id":"1","payload":{"data":{"m":"a"}}}'],
      ['in', '{"type":"complete","id":"1"}'],
    ],
  },
  stomp: {
    connection: testConnection('c', { protocol: 'v12.stomp' }),
    wire: [
      ['out', 'CONNECT\naccept-version:1.2\nhost:/\n\n\0'],
      ['in', 'CONNECTED\nversion:1.2\n\n\0'],
      ['out', 'SUBSCRIBE\nid:sub-0\ndestination:/queue/a\nack:client\n\n\0'],
      // One frame over two messages, then two frames in one.
      ['out', 'SEND\ndestination:/queue/a\nreceipt:r1\n\nhel'],
      ['out', 'lo\0'],
      [
        'in',
        'RECEIPT\nreceipt-id:r1\n\n\0MESSAGE\nsubscription:sub-0\nmessage-id:m1\ndestination:/queue/a\n\nhi\0',
      ],
      ['out', 'ACK\nmessage-id:m1\n\n\0'],
    ],
  },
  signalr: {
    connection: testConnection('c', { url: 'ws://127.0.0.1:1/hub?id=t1' }),
    wire: [
      ['out', `{"protocol":"json","version":1}${RS}`],
      ['in', `{}${RS}`],
      ['out', `{"type":1,"invocationId":"1","target":"Send","arguments":["a"]}${RS}{"type":1,"in`],
      ['out', `vocationId":"2","target":"Echo","arguments":[]}${RS}`],
      ['in', `{"type":3,"invocationId":"1","result":null}${RS}`],
      ['in', `{"type":6}${RS}`],
    ],
  },
  mqtt: {
    connection: testConnection('c', { protocol: 'mqtt' }),
    wire: [
      ['out', packet(0x10, [...str('MQTT'), 4, 0x02, ...u16(60), ...str('client-1')])],
      ['in', packet(0x20, [0, 0])],
      // A QoS 1 PUBLISH split over two messages, then its PUBACK with a PINGRESP.
      ['out', packet(0x32, [...str('a/b'), ...u16(7), ...Buffer.from('{"t":21}')]).subarray(0, 6)],
      ['out', packet(0x32, [...str('a/b'), ...u16(7), ...Buffer.from('{"t":21}')]).subarray(6)],
      ['in', join(packet(0x40, u16(7)), packet(0xd0, []))],
      ['out', packet(0x62, u16(8))],
    ],
  },
};

function entryOf(connectionId: string, [direction, data]: Wire, i: number): NewEntry {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  return {
    connectionId,
    time: 1000 + 10 * i,
    direction,
    kind: typeof data === 'string' ? 'text' : 'binary',
    payload: data,
    payloadSize: size,
    wireSize: size + 2,
  };
}

describe('ProtocolViews.peek', () => {
  for (const [name, { connection, wire }] of Object.entries(sessions)) {
    it(`${name}: each message peeked says what recording it says, and nothing changes`, () => {
      const store = new SessionStore({ batchIntervalMs: 1000 });
      store.addConnection(connection);
      const views = new ProtocolViews(store);
      let carried = 0;
      for (const [i, w] of wire.entries()) {
        const candidate: Entry = { ...entryOf(connection.id, w, i), seq: store.lastSeq + 1 };
        const first = views.peek(candidate);
        // Peeking twice gives the same: the first peek left no trace.
        expect(views.peek(candidate)).toEqual(first);
        const recorded = store.append(entryOf(connection.id, w, i));
        views.catchUp();
        expect(first?.annotation).toEqual(views.annotationOf(recorded.seq));
        if (first !== undefined) carried++;
        const completed = views.pairsOf(recorded.seq).filter((p) => p.answer.seq === recorded.seq);
        expect(first?.pairs ?? []).toEqual(completed);
        const waiting = views.unanswered().filter((u) => u.request.seq === recorded.seq);
        expect(first?.waits ?? []).toEqual(waiting);
      }
      expect(carried).toBeGreaterThan(wire.length / 2);
      // The batch the feed delivers later was read already: nothing is counted twice.
      store.flush();
      const fresh = new ProtocolViews(store, { live: false });
      expect(views.annotations()).toEqual(fresh.annotations());
      expect(views.pairs()).toEqual(fresh.pairs());
      expect(views.unanswered()).toEqual(fresh.unanswered());
      expect(views.channels()).toEqual(fresh.channels());
      views.dispose();
    });
  }

  it('an answer peeked pairs with its request, latency to the held time; the request still waits', () => {
    const store = new SessionStore();
    store.addConnection(sessions.jsonrpc?.connection ?? testConnection('c'));
    const views = new ProtocolViews(store);
    store.append(entryOf('c', ['out', '{"jsonrpc":"2.0","id":4,"method":"tools/call"}'], 0));
    const answer = { ...entryOf('c', ['in', '{"jsonrpc":"2.0","id":4,"result":1}'], 0), seq: 2 };
    const peek = views.peek({ ...answer, time: 1250 });
    expect(peek?.pairs).toMatchObject([{ kind: 'call', key: '4', latencyMs: 250 }]);
    expect(views.unanswered().map((u) => u.key)).toEqual(['4']);
    views.dispose();
  });

  it('an undecided connection is sniffed from the candidate; a connection read raw says nothing', () => {
    const store = new SessionStore();
    store.addConnection(testConnection('a'));
    store.addConnection(testConnection('b'));
    const views = new ProtocolViews(store, { overrides: new Map([['b', null]]) });
    store.append(entryOf('a', ['out', 'hello'], 0));
    const rpc = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    expect(
      views.peek({ ...entryOf('a', ['out', rpc], 1), seq: 9 })?.annotation.messages,
    ).toMatchObject([{ protocol: 'jsonrpc', kind: 'request', fields: { method: 'ping' } }]);
    expect(views.protocolOf('a')).toBeUndefined();
    expect(views.peek({ ...entryOf('b', ['out', rpc], 1), seq: 9 })).toBeUndefined();
    expect(views.peek({ ...entryOf('a', ['out', 'plain'], 1), seq: 9 })).toBeUndefined();
    views.dispose();
  });
});
