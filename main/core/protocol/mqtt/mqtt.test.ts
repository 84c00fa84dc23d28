import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../../shared/model/entry.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import {
  inn,
  out,
  sessionWith,
  testConnection,
  type TestMessage,
} from '../dissect/test-support.ts';
import { packet, str, u16 } from './mqtt-test-builders.ts';

const connect311 = packet(0x10, [
  ...str('MQTT'),
  4,
  0xc2,
  ...u16(60),
  ...str('client-1'),
  ...str('user'),
  ...str('pw'),
]);
const connack = packet(0x20, [0, 0]);
const subscribe = packet(0x82, [...u16(1), ...str('a/#'), 1, ...str('b/+'), 0]);
const suback = packet(0x90, [...u16(1), 1, 0]);
const publishQ1 = packet(0x32, [...str('a/b'), ...u16(7), ...Buffer.from('{"t":21}')]);
const puback = packet(0x40, u16(7));
const publishQ2 = packet(0x35, [...str('a/c'), ...u16(8), ...Buffer.from('x')]);
const pubrec = packet(0x50, u16(8));
const pubrel = packet(0x62, u16(8));
const pubcomp = packet(0x70, u16(8));
const publishQ0 = packet(0x30, [...str('a/d'), ...Buffer.from('hi')]);
const pingreq = packet(0xc0, []);
const pingresp = packet(0xd0, []);
const unsubscribe = packet(0xa2, [...u16(2), ...str('a/#')]);
const unsuback = packet(0xb0, u16(2));
const disconnect = packet(0xe0, []);

const conn = testConnection('c', { protocol: 'mqtt' });

describe('MQTT over WebSocket', () => {
  it('3.1.1: every packet type with its fields, and all pairs including QoS 1 and QoS 2 flows', () => {
    const store = sessionWith(conn, [
      out(connect311, 0),
      inn(connack, 2),
      out(subscribe, 3),
      inn(suback, 5),
      out(publishQ1, 10),
      inn(puback, 13),
      out(publishQ2, 20),
      inn(pubrec, 22),
      out(pubrel, 23),
      inn(pubcomp, 27),
      inn(publishQ0, 30),
      out(pingreq, 40),
      inn(pingresp, 41),
      out(unsubscribe, 50),
      inn(unsuback, 51),
      out(disconnect, 60),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      protocol: 'mqtt',
      chosenBy: 'subprotocol',
      malformed: 0,
    });
    expect(views.annotations().map((a) => a.messages[0]?.summary)).toEqual([
      'CONNECT client-1 v4',
      'CONNACK 0',
      'SUBSCRIBE a/#,b/+ #1',
      'SUBACK #1',
      'PUBLISH a/b q1 #7',
      'PUBACK #7',
      'PUBLISH a/c q2 #8 retain',
      'PUBREC #8',
      'PUBREL #8',
      'PUBCOMP #8',
      'PUBLISH a/d q0',
      'PINGREQ',
      'PINGRESP',
      'UNSUBSCRIBE a/# #2',
      'UNSUBACK #2',
      'DISCONNECT',
    ]);
    expect(views.annotationOf(1)?.messages[0]?.fields).toEqual({
      protocolName: 'MQTT',
      version: 4,
      keepAlive: 60,
      cleanStart: true,
      clientId: 'client-1',
      username: 'user',
      password: true,
    });
    expect(views.annotationOf(5)?.messages[0]?.fields).toEqual({
      topic: 'a/b',
      qos: 1,
      retain: false,
      dup: false,
      packetId: 7,
      payloadSize: 8,
      payload: '{"t":21}',
    });
    expect(views.annotationOf(4)?.messages[0]?.fields).toEqual({ packetId: 1, reasonCodes: '1,0' });
    expect(views.pairs().map((p) => [p.kind, p.key, p.latencyMs])).toEqual([
      ['connect', '', 2],
      ['subscribe', '1', 2],
      ['puback', '7', 3],
      ['pubrec', '8', 2],
      ['pubcomp', '8', 4],
      ['ping', '', 1],
      ['unsubscribe', '2', 1],
    ]);
    expect(views.unanswered()).toEqual([]);
  });

  it('5.0: properties read, reason codes read', () => {
    const store = sessionWith(testConnection('c'), [
      out(
        packet(0x10, [...str('MQTT'), 5, 0x02, ...u16(30), 5, 0x11, 0, 0, 0, 10, ...str('c5')]),
        0,
      ),
      inn(packet(0x20, [1, 0, 3, 0x22, 0, 10]), 1),
      out(packet(0x32, [...str('t'), ...u16(3), 2, 0x01, 1, ...Buffer.from('p')]), 2),
      inn(packet(0x40, [...u16(3), 0x10, 0]), 3),
      out(packet(0xe0, [0x04, 0]), 4),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.protocolOf('c')).toBe('mqtt');
    expect(views.annotations().map((a) => a.messages[0]?.fields)).toEqual([
      {
        protocolName: 'MQTT',
        version: 5,
        keepAlive: 30,
        cleanStart: true,
        propertiesSize: 5,
        sessionExpiry: 10,
        clientId: 'c5',
      },
      { sessionPresent: true, reasonCode: 0, propertiesSize: 3, topicAliasMaximum: 10 },
      {
        topic: 't',
        qos: 1,
        retain: false,
        dup: false,
        packetId: 3,
        propertiesSize: 2,
        payloadFormat: 1,
        payloadSize: 1,
        payload: 'p',
      },
      { packetId: 3, reasonCode: 0x10, propertiesSize: 0 },
      { reasonCode: 4, propertiesSize: 0 },
    ]);
  });

  it('malformed packets: reserved type, QoS 3, too short, subscribe without topics', () => {
    const store = sessionWith(conn, [
      out(connect311),
      out(packet(0x00, [])),
      out(packet(0x36, [...str('t'), ...u16(1)])),
      out(packet(0x32, [0, 9, 0x61])),
      out(packet(0x82, u16(1))),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.annotations().map((a) => a.messages[0]?.malformed?.code)).toEqual([
      undefined,
      'mqtt.type',
      'mqtt.qos',
      'mqtt.short',
      'mqtt.no-topics',
    ]);
  });

  it('packets spanning frames are reassembled and frames carrying several are split, the same whatever the cut', () => {
    const wire: [Direction, Uint8Array][] = [
      ['out', connect311],
      ['in', connack],
      ['out', Buffer.concat([subscribe, publishQ1])],
      [
        'in',
        Buffer.concat([suback, puback, packet(0x30, [...str('big'), ...Buffer.alloc(300, 0x61)])]),
      ],
    ];
    const shape = (views: ProtocolViews) => ({
      messages: views
        .annotations()
        .flatMap((a) => a.messages.map((m) => [a.direction, m.summary, m.fields])),
      pairs: views.pairs().map((p) => [p.kind, p.key, p.latencyMs]),
    });
    const whole = shape(
      new ProtocolViews(
        sessionWith(
          conn,
          wire.map(([dir, data], i) => ({ dir, data, at: i })),
        ),
        { live: false },
      ),
    );
    expect(whole.messages).toHaveLength(7);
    expect(whole.pairs).toHaveLength(3);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 10 }),
        (cuts) => {
          const messages: TestMessage[] = [];
          let c = 0;
          wire.forEach(([dir, bytes], i) => {
            for (let at = 0; at < bytes.length;) {
              const size = cuts[c++ % cuts.length] ?? 1;
              messages.push({ dir, data: bytes.slice(at, at + size), at: i });
              at += size;
            }
          });
          expect(shape(new ProtocolViews(sessionWith(conn, messages), { live: false }))).toEqual(
            whole,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is sniffed from a CONNECT packet', () => {
    const views = new ProtocolViews(
      sessionWith(testConnection('c'), [out(connect311), inn(connack)]),
      { live: false },
    );
    expect(views.channels()[0]).toMatchObject({ protocol: 'mqtt', chosenBy: 'sniff', pairs: 1 });
  });
});
