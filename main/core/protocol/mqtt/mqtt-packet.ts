/**
 * MQTT 3.1, 3.1.1 and 5.0 control packets (https://docs.oasis-open.org/mqtt/mqtt/v5.0/mqtt-v5.0.html):
 * a fixed header (type, flags, remaining length as a variable byte integer), then the variable
 * header and payload. v5 properties are decoded into fields (mqtt-properties.ts); a property
 * problem leaves the packet readable and is reported beside it.
 */
import type { ProtocolFieldValue } from '../../../../shared/model/protocol.ts';
import { utf8 } from '../dissect/bytes.ts';
import { readProperties, type PropertyPlace, type PropertyProblem } from './mqtt-properties.ts';
import { Reader, Short } from './mqtt-reader.ts';

export const MQTT_TYPES = [
  undefined,
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
] as const;

export type MqttFrame =
  | {
      type: 'packet';
      length: number;
      kind: string;
      fields: Record<string, ProtocolFieldValue>;
      /** A v5 property broke the rules; the packet's other fields are still read. */
      problem?: PropertyProblem;
    }
  | { type: 'incomplete' }
  | { type: 'malformed'; length: number; code: string; reason: string };

/** Fixed header length and remaining length, or incomplete / malformed. */
export function splitMqttPacket(
  bytes: Uint8Array,
): { header: number; remaining: number } | 'incomplete' | 'malformed' {
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    const b = bytes[i];
    if (b === undefined) return 'incomplete';
    remaining += (b & 0x7f) * 128 ** (i - 1);
    if ((b & 0x80) === 0) return { header: i + 1, remaining };
  }
  return 'malformed';
}

const PREVIEW = 120;

/**
 * Parses one whole packet at the start of `bytes`. `version` is the protocol level of the
 * connection (4 = 3.1.1, 5 = 5.0), learnt from CONNECT; CONNECT itself sets it.
 */
export function parseMqttPacket(bytes: Uint8Array, version: number): MqttFrame {
  const split = splitMqttPacket(bytes);
  if (split === 'incomplete') return { type: 'incomplete' };
  if (split === 'malformed') {
    return {
      type: 'malformed',
      length: bytes.length,
      code: 'mqtt.length',
      reason: 'remaining length longer than 4 bytes',
    };
  }
  const length = split.header + split.remaining;
  if (bytes.length < length) return { type: 'incomplete' };
  const first = bytes[0] ?? 0;
  const kind = MQTT_TYPES[first >> 4];
  if (kind === undefined)
    return { type: 'malformed', length, code: 'mqtt.type', reason: 'reserved packet type 0' };
  const r = new Reader(bytes, split.header, length);
  const fields: Record<string, ProtocolFieldValue> = {};
  let v5 = version >= 5;
  let problem: PropertyProblem | undefined;
  const props = (place: PropertyPlace): void => {
    const found = readProperties(r, place, fields);
    problem ??= found;
  };
  try {
    switch (kind) {
      case 'CONNECT': {
        fields.protocolName = r.str();
        const level = r.u8();
        fields.version = level;
        const flags = r.u8();
        fields.keepAlive = r.u16();
        fields.cleanStart = (flags & 0x02) !== 0;
        // CONNECT itself says which version it is written in.
        v5 = level >= 5;
        if (v5) props('CONNECT');
        fields.clientId = r.str();
        if ((flags & 0x04) !== 0) {
          if (v5) props('WILL');
          fields.willTopic = r.str();
          fields.willQos = (flags >> 3) & 3;
          fields.willRetain = (flags & 0x20) !== 0;
          r.bin();
        }
        if ((flags & 0x80) !== 0) fields.username = r.str();
        if ((flags & 0x40) !== 0) fields.password = true;
        break;
      }
      case 'CONNACK':
        fields.sessionPresent = (r.u8() & 1) === 1;
        fields.reasonCode = r.u8();
        if (v5 && r.left > 0) props('CONNACK');
        break;
      case 'PUBLISH': {
        const qos = (first >> 1) & 3;
        if (qos === 3)
          return { type: 'malformed', length, code: 'mqtt.qos', reason: 'PUBLISH with QoS 3' };
        fields.topic = r.str();
        fields.qos = qos;
        fields.retain = (first & 1) === 1;
        fields.dup = (first & 8) === 8;
        if (qos > 0) fields.packetId = r.u16();
        if (v5) props('PUBLISH');
        const payload = r.rest();
        fields.payloadSize = payload.length;
        const text = utf8.decode(payload.subarray(0, PREVIEW * 4));
        fields.payload = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
        break;
      }
      case 'PUBACK':
      case 'PUBREC':
      case 'PUBREL':
      case 'PUBCOMP':
        fields.packetId = r.u16();
        if (r.left > 0) fields.reasonCode = r.u8();
        if (v5 && r.left > 0) props(kind);
        break;
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        fields.packetId = r.u16();
        if (v5) props(kind);
        const topics: string[] = [];
        const qos: number[] = [];
        while (r.left > 0) {
          topics.push(r.str());
          if (kind === 'SUBSCRIBE') qos.push(r.u8() & 3);
        }
        if (topics.length === 0)
          return {
            type: 'malformed',
            length,
            code: 'mqtt.no-topics',
            reason: `${kind} without topics`,
          };
        fields.topics = topics.join(',');
        if (kind === 'SUBSCRIBE') fields.qos = qos.join(',');
        break;
      }
      case 'SUBACK':
      case 'UNSUBACK': {
        fields.packetId = r.u16();
        if (v5) props(kind);
        const codes: number[] = [];
        while (r.left > 0) codes.push(r.u8());
        if (codes.length > 0) fields.reasonCodes = codes.join(',');
        break;
      }
      case 'DISCONNECT':
      case 'AUTH':
        if (r.left > 0) fields.reasonCode = r.u8();
        if (r.left > 0) props(kind);
        break;
      case 'PINGREQ':
      case 'PINGRESP':
        break;
    }
  } catch (error) {
    if (error instanceof Short) {
      return {
        type: 'malformed',
        length,
        code: 'mqtt.short',
        reason: `${kind} shorter than its fields`,
      };
    }
    throw error;
  }
  return problem === undefined
    ? { type: 'packet', length, kind, fields }
    : { type: 'packet', length, kind, fields, problem };
}
