import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import {
  inn,
  out,
  sessionWith,
  testConnection,
  type TestMessage,
} from '../dissect/test-support.ts';
import { parseMqttPacket } from './mqtt-packet.ts';
import { MQTT_PROPERTIES } from './mqtt-properties.ts';
import { p, packet, props, str, u16 } from './mqtt-test-builders.ts';

const conn = testConnection('c', { protocol: 'mqtt' });

/** A v5 CONNECT with no properties: the connection's later packets are read as v5. */
const connect5 = (flags = 0x02, properties = props(), tail: number[] = []) =>
  packet(0x10, [...str('MQTT'), 5, flags, ...u16(30), ...properties, ...str('c5'), ...tail]);

function messagesOf(messages: TestMessage[]): ProtocolMessage[] {
  const views = new ProtocolViews(sessionWith(conn, messages), { live: false });
  return views.annotations().flatMap((a) => a.messages);
}

/** Identifiers of MQTT 5.0 Table 2-4, written out here apart from the dissector's table. */
const SPEC_IDS = [
  0x01, 0x02, 0x03, 0x08, 0x09, 0x0b, 0x11, 0x12, 0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1c,
  0x1f, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
];

describe('MQTT 5 properties', () => {
  it('every property of the spec is decoded, in each packet that may carry it', () => {
    const used = new Set<number>();
    const track = (...list: number[][]) => {
      for (const prop of list) used.add(prop[0] ?? -1);
      return props(...list);
    };
    const connect = connect5(
      0x02 | 0x04 | 0x08, // clean start, will, will QoS 1
      track(
        p.u32(0x11, 3600),
        p.str(0x15, 'SCRAM-SHA-1'),
        p.bin(0x16, [1, 2, 3, 4]),
        p.byte(0x17, 0),
        p.byte(0x19, 1),
        p.u16(0x21, 20),
        p.u16(0x22, 5),
        p.user('k', 'v1'),
        p.user('k', 'v2'),
        p.u32(0x27, 65536),
      ),
      [
        ...track(
          p.u32(0x18, 30),
          p.byte(0x01, 1),
          p.u32(0x02, 120),
          p.str(0x03, 'text/plain'),
          p.str(0x08, 'replies/c5'),
          p.bin(0x09, [...Buffer.from('corr-1')]),
          p.user('why', 'gone'),
        ),
        ...str('will/c5'),
        ...str('bye'),
      ],
    );
    const connack = packet(0x20, [
      0,
      0,
      ...track(
        p.u32(0x11, 60),
        p.str(0x12, 'auto-1'),
        p.u16(0x13, 45),
        p.str(0x15, 'SCRAM-SHA-1'),
        p.bin(0x16, [9, 9]),
        p.str(0x1a, 'resp/'),
        p.str(0x1c, 'other:1883'),
        p.str(0x1f, 'welcome'),
        p.u16(0x21, 10),
        p.u16(0x22, 8),
        p.byte(0x24, 1),
        p.byte(0x25, 0),
        p.user('server', 'aedes'),
        p.u32(0x27, 1048576),
        p.byte(0x28, 1),
        p.byte(0x29, 0),
        p.byte(0x2a, 1),
      ),
    ]);
    const publish = packet(0x32, [
      ...str('a/b'),
      ...u16(7),
      ...track(
        p.byte(0x01, 0),
        p.u32(0x02, 10),
        p.str(0x03, 'application/octet-stream'),
        p.str(0x08, 'r/1'),
        p.bin(0x09, [0xff, 0x00, 0xfe]),
        p.varint(0x0b, 3),
        p.varint(0x0b, 200),
        p.u16(0x23, 2),
        p.user('a', '1'),
      ),
      1,
      2,
    ]);
    const puback = packet(0x40, [...u16(7), 0x10, ...track(p.str(0x1f, 'no subscribers'))]);
    const subscribe = packet(0x82, [
      ...u16(1),
      ...track(p.varint(0x0b, 3), p.user('s', 't')),
      ...str('a/#'),
      1,
    ]);
    const suback = packet(0x90, [...u16(1), ...track(p.str(0x1f, 'ok')), 1]);
    const unsubscribe = packet(0xa2, [...u16(2), ...track(p.user('u', 'v')), ...str('a/#')]);
    const unsuback = packet(0xb0, [...u16(2), ...track(), 0]);
    const auth = packet(0xf0, [
      0x18,
      ...track(p.str(0x15, 'SCRAM-SHA-1'), p.bin(0x16, [7]), p.str(0x1f, 'continue')),
    ]);
    const disconnect = packet(0xe0, [
      0x9c,
      ...track(p.u32(0x11, 0), p.str(0x1c, 'elsewhere:1883'), p.str(0x1f, 'moved')),
    ]);
    expect([...used].sort((a, b) => a - b)).toEqual(SPEC_IDS);
    expect([...MQTT_PROPERTIES.keys()].sort((a, b) => a - b)).toEqual(SPEC_IDS);

    const messages = messagesOf([
      out(connect),
      inn(connack),
      out(publish),
      inn(puback),
      out(subscribe),
      inn(suback),
      out(unsubscribe),
      inn(unsuback),
      inn(auth),
      inn(disconnect),
    ]);
    expect(messages.map((m) => m.malformed)).toEqual(messages.map(() => undefined));
    expect(messages.map((m) => m.fields)).toEqual([
      {
        protocolName: 'MQTT',
        version: 5,
        keepAlive: 30,
        cleanStart: true,
        propertiesSize: expect.any(Number) as number,
        sessionExpiry: 3600,
        authMethod: 'SCRAM-SHA-1',
        authDataSize: 4,
        requestProblemInfo: false,
        requestResponseInfo: true,
        receiveMaximum: 20,
        topicAliasMaximum: 5,
        userProperties: '[["k","v1"],["k","v2"]]',
        maximumPacketSize: 65536,
        clientId: 'c5',
        willPropertiesSize: expect.any(Number) as number,
        willDelay: 30,
        willPayloadFormat: 1,
        willMessageExpiry: 120,
        willContentType: 'text/plain',
        willResponseTopic: 'replies/c5',
        willCorrelationData: 'corr-1',
        willUserProperties: '[["why","gone"]]',
        willTopic: 'will/c5',
        willQos: 1,
        willRetain: false,
      },
      {
        sessionPresent: false,
        reasonCode: 0,
        propertiesSize: expect.any(Number) as number,
        sessionExpiry: 60,
        assignedClientId: 'auto-1',
        serverKeepAlive: 45,
        authMethod: 'SCRAM-SHA-1',
        authDataSize: 2,
        responseInfo: 'resp/',
        serverReference: 'other:1883',
        reasonString: 'welcome',
        receiveMaximum: 10,
        topicAliasMaximum: 8,
        maximumQos: 1,
        retainAvailable: false,
        userProperties: '[["server","aedes"]]',
        maximumPacketSize: 1048576,
        wildcardSubscriptionAvailable: true,
        subscriptionIdAvailable: false,
        sharedSubscriptionAvailable: true,
      },
      {
        topic: 'a/b',
        qos: 1,
        retain: false,
        dup: false,
        packetId: 7,
        propertiesSize: expect.any(Number) as number,
        payloadFormat: 0,
        messageExpiry: 10,
        contentType: 'application/octet-stream',
        responseTopic: 'r/1',
        correlationDataHex: 'ff00fe',
        subscriptionIds: '3,200',
        topicAlias: 2,
        userProperties: '[["a","1"]]',
        payloadSize: 2,
        payload: '\u0001\u0002',
      },
      { packetId: 7, reasonCode: 0x10, propertiesSize: 17, reasonString: 'no subscribers' },
      {
        packetId: 1,
        propertiesSize: 9,
        subscriptionIds: '3',
        userProperties: '[["s","t"]]',
        topics: 'a/#',
        qos: '1',
      },
      { packetId: 1, propertiesSize: 5, reasonString: 'ok', reasonCodes: '1' },
      { packetId: 2, propertiesSize: 7, userProperties: '[["u","v"]]', topics: 'a/#' },
      { packetId: 2, propertiesSize: 0, reasonCodes: '0' },
      {
        reasonCode: 0x18,
        propertiesSize: expect.any(Number) as number,
        authMethod: 'SCRAM-SHA-1',
        authDataSize: 1,
        reasonString: 'continue',
      },
      {
        reasonCode: 0x9c,
        propertiesSize: expect.any(Number) as number,
        sessionExpiry: 0,
        serverReference: 'elsewhere:1883',
        reasonString: 'moved',
      },
    ]);
    // Authentication data is a credential: only its size is shown.
    expect(JSON.stringify(messages)).not.toContain('\\u0001\\u0002\\u0003\\u0004');
  });

  it('topic aliases are resolved per direction; an alias never set is marked, the flow still pairs', () => {
    const pub = (topic: string, id: number, alias: number, body: string) =>
      packet(0x32, [...str(topic), ...u16(id), ...props(p.u16(0x23, alias)), ...Buffer.from(body)]);
    const ack = (id: number) => packet(0x40, u16(id));
    const messages = messagesOf([
      out(connect5()),
      inn(packet(0x20, [0, 0, ...props(p.u16(0x22, 5))])),
      out(pub('a/b', 1, 1, 'x')),
      out(pub('', 2, 1, 'y')),
      // The server's alias 1 is its own: it does not change the client's.
      inn(pub('s/t', 10, 1, 'z')),
      inn(pub('', 11, 1, 'w')),
      out(pub('', 3, 1, 'v')),
      out(pub('', 4, 2, 'u')),
      out(pub('c', 5, 1, 't')),
      out(pub('', 6, 1, 's')),
      inn(ack(4)),
    ]);
    const publishes = messages.filter((m) => m.kind === 'PUBLISH');
    expect(publishes.map((m) => [m.summary, m.fields.topicFromAlias, m.malformed?.code])).toEqual([
      ['PUBLISH a/b q1 #1', undefined, undefined],
      ['PUBLISH a/b q1 #2', true, undefined],
      ['PUBLISH s/t q1 #10', undefined, undefined],
      ['PUBLISH s/t q1 #11', true, undefined],
      ['PUBLISH a/b q1 #3', true, undefined],
      ['PUBLISH (alias 2) q1 #4', undefined, 'mqtt.topic-alias'],
      ['PUBLISH c q1 #5', undefined, undefined],
      ['PUBLISH c q1 #6', true, undefined],
    ]);
    const views = new ProtocolViews(
      sessionWith(conn, [out(connect5()), out(pub('', 4, 2, 'u')), inn(ack(4))]),
      { live: false },
    );
    expect(views.pairs().map((pair) => [pair.kind, pair.key])).toEqual([['puback', '4']]);
    expect(views.channels()[0]?.malformed).toBe(1);
  });

  it('a new CONNECT forgets the aliases of the session before', () => {
    const pub = (topic: string, alias: number) =>
      packet(0x30, [...str(topic), ...props(p.u16(0x23, alias))]);
    const messages = messagesOf([
      out(connect5()),
      out(pub('a', 1)),
      out(connect5()),
      out(pub('', 1)),
    ]);
    expect(messages.map((m) => m.malformed?.code)).toEqual([
      undefined,
      undefined,
      undefined,
      'mqtt.topic-alias',
    ]);
  });

  it('malformed properties are annotated with the packet still read, never thrown', () => {
    const pub = (...list: number[][]) =>
      packet(0x30, [...str('t'), ...props(...list), ...Buffer.from('body')]);
    const cases: [Uint8Array, string | undefined, Record<string, unknown>][] = [
      [pub(p.byte(0x05, 1)), 'mqtt.property', { topic: 't', payload: 'body' }],
      [pub(p.str(0x03, 'ok'), [0x08, 0, 9, 0x61]), 'mqtt.property', { contentType: 'ok' }],
      [pub(p.str(0x03, 'one'), p.str(0x03, 'two')), 'mqtt.property-repeat', { contentType: 'one' }],
      [pub(p.u16(0x21, 5)), 'mqtt.property-place', { receiveMaximum: 5, payload: 'body' }],
      [pub(p.u16(0x23, 0)), 'mqtt.property-value', { topicAlias: 0 }],
      [pub(p.byte(0x01, 2)), 'mqtt.property-value', { payloadFormat: 2 }],
      [pub(p.varint(0x0b, 0)), 'mqtt.property-value', { subscriptionIds: '0' }],
      [pub([0x80]), 'mqtt.property', { topic: 't' }],
      [
        pub(p.user('a', 'b'), p.user('a', 'c')),
        undefined,
        { userProperties: '[["a","b"],["a","c"]]' },
      ],
      [
        packet(0x20, [0, 0, ...props(p.byte(0x28, 2))]),
        'mqtt.property-value',
        { wildcardSubscriptionAvailable: 2 },
      ],
      [packet(0x20, [0, 0, ...props(p.u16(0x23, 3))]), 'mqtt.property-place', { topicAlias: 3 }],
      [
        packet(0x82, [...u16(1), ...props(p.varint(0x0b, 1), p.varint(0x0b, 2)), ...str('a'), 0]),
        'mqtt.property-repeat',
        { subscriptionIds: '1,2', topics: 'a' },
      ],
      [
        connect5(0x06, props(), [...props(p.u32(0x11, 1)), ...str('w'), ...str('x')]),
        'mqtt.property-place',
        { willSessionExpiry: 1, willTopic: 'w' },
      ],
    ];
    const messages = messagesOf([out(connect5()), ...cases.map(([bytes]) => inn(bytes))]);
    expect(messages).toHaveLength(cases.length + 1);
    cases.forEach(([bytes, code, fields], i) => {
      const m = messages[i + 1];
      expect(m?.malformed?.code, `case ${String(i)}`).toBe(code);
      expect(m?.kind, `case ${String(i)}`).toBe(
        ['PUBLISH', 'CONNACK', 'SUBSCRIBE', 'CONNECT'][
          [0x30, 0x20, 0x82, 0x10].indexOf(bytes[0] ?? 0)
        ],
      );
      expect(m?.fields, `case ${String(i)}`).toMatchObject(fields);
    });
    // A property block longer than its packet is the packet's fault: it is short.
    const short = packet(0x30, [...str('t'), 9, 0x01]);
    expect(parseMqttPacket(short, 5)).toMatchObject({ type: 'malformed', code: 'mqtt.short' });
  });

  it('random property blocks never throw and always consume the whole packet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (block) => {
        const bytes = packet(0x30, [...str('t'), ...props([...block]), 0x61]);
        const parsed = parseMqttPacket(bytes, 5);
        expect(parsed.type).toBe('packet');
        if (parsed.type === 'packet') {
          expect(parsed.length).toBe(bytes.length);
          expect(parsed.fields.payload).toBe('a');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
