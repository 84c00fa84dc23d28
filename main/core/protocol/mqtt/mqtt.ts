/**
 * MQTT over WebSocket: packets parsed from a per-direction byte stream, so a packet spanning
 * several frames is reassembled and a frame carrying several is split; each packet is annotated
 * on the entry that completes it. v5 topic aliases are resolved per direction (each sender keeps
 * its own alias table, spec §3.3.2.3.4), so a PUBLISH sent with an empty topic shows the topic
 * its alias stands for.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction, Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { dataBytes, MAX_PENDING_BYTES, PendingBytes } from '../dissect/bytes.ts';
import type { ConnectionDissector, Dissected, Dissector, PairHint } from '../dissect/types.ts';
import { parseMqttPacket } from './mqtt-packet.ts';

export const mqttDissector: Dissector = {
  name: 'mqtt',
  subprotocols: ['mqtt', 'mqttv3.1', 'mqttv5'],
  byUrl: () => false,
  sniff(entry) {
    if (entry.kind !== 'binary') return false;
    const b = entry.payload as Uint8Array;
    if (b[0] !== 0x10) return false;
    // "\0\4MQTT" (3.1.1, 5) or "\0\6MQIsdp" (3.1) right after the fixed header.
    const text = String.fromCharCode(...b.subarray(2, 14));
    return text.includes('\u0000\u0004MQTT') || text.includes('\u0000\u0006MQIsdp');
  },
  create: (_connection: Connection) => new MqttConnection(),
};

class MqttConnection implements ConnectionDissector {
  readonly gaveUp = undefined;
  readonly #pending: Record<Direction, PendingBytes> = {
    out: new PendingBytes(),
    in: new PendingBytes(),
  };
  #version = 4;
  /** Topic alias → topic, per sending direction; a new CONNECT starts them afresh. */
  readonly #aliases: Record<Direction, Map<number, string>> = { out: new Map(), in: new Map() };

  /** `feed` on a copy of the state it changes (a field added to that state is copied here too). */
  peek(entry: Entry): Dissected[] {
    const copy = new MqttConnection();
    copy.#version = this.#version;
    for (const [alias, topic] of this.#aliases.out) copy.#aliases.out.set(alias, topic);
    for (const [alias, topic] of this.#aliases.in) copy.#aliases.in.set(alias, topic);
    // PendingBytes never writes into the array it holds: sharing it is safe.
    copy.#pending[entry.direction].push(this.#pending[entry.direction].bytes);
    return copy.feed(entry);
  }

  feed(entry: Entry): Dissected[] {
    const bytes = dataBytes(entry);
    if (bytes === undefined) return [];
    const pending = this.#pending[entry.direction];
    pending.push(bytes);
    const out: Dissected[] = [];
    for (;;) {
      const parsed = parseMqttPacket(pending.bytes, this.#version);
      if (parsed.type === 'incomplete') break;
      pending.consume(parsed.length);
      const index = out.length;
      if (parsed.type === 'malformed') {
        out.push({
          message: {
            protocol: 'mqtt',
            kind: 'malformed',
            index,
            summary: `malformed: ${parsed.reason}`,
            fields: {},
            malformed: { code: parsed.code, message: parsed.reason },
          },
        });
        continue;
      }
      const { kind, fields } = parsed;
      let problem = parsed.problem;
      if (kind === 'CONNECT') {
        if (typeof fields.version === 'number') this.#version = fields.version;
        this.#aliases.out.clear();
        this.#aliases.in.clear();
      }
      if (kind === 'PUBLISH') problem ??= this.#resolveAlias(entry.direction, fields);
      const hints = hintsOf(kind, fields);
      const message: ProtocolMessage = {
        protocol: 'mqtt',
        kind,
        index,
        summary: summaryOf(kind, fields),
        fields,
      };
      if (problem !== undefined) message.malformed = problem;
      out.push(hints.length === 0 ? { message } : { message, pair: hints });
    }
    if (pending.length > MAX_PENDING_BYTES) {
      pending.clear();
      out.push({
        message: {
          protocol: 'mqtt',
          kind: 'malformed',
          index: out.length,
          summary: 'malformed: packet never completes',
          fields: {},
          malformed: {
            code: 'mqtt.too-large',
            message: `no packet end within ${MAX_PENDING_BYTES} bytes`,
          },
        },
      });
    }
    return out;
  }

  /**
   * A PUBLISH with a topic and an alias sets the alias; one with an empty topic uses it. An
   * alias never set is a protocol error: the packet is shown, marked, without a topic.
   */
  #resolveAlias(
    direction: Direction,
    fields: Record<string, ProtocolFieldValue>,
  ): { code: string; message: string } | undefined {
    const alias = fields.topicAlias;
    if (typeof alias !== 'number') {
      if (fields.topic === '') {
        return { code: 'mqtt.topic', message: 'PUBLISH with an empty topic and no topic alias' };
      }
      return undefined;
    }
    const table = this.#aliases[direction];
    if (fields.topic !== '') {
      table.set(alias, String(fields.topic));
      return undefined;
    }
    const topic = table.get(alias);
    if (topic === undefined) {
      return { code: 'mqtt.topic-alias', message: `topic alias ${String(alias)} was never set` };
    }
    fields.topic = topic;
    fields.topicFromAlias = true;
    return undefined;
  }
}

function summaryOf(kind: string, f: Record<string, ProtocolFieldValue>): string {
  const id = f.packetId === undefined ? '' : ` #${String(f.packetId)}`;
  switch (kind) {
    case 'CONNECT':
      return `CONNECT ${String(f.clientId)} v${String(f.version)}`;
    case 'CONNACK':
      return `CONNACK ${String(f.reasonCode)}`;
    case 'PUBLISH': {
      // An alias that stands for nothing known yet is named instead of an empty topic.
      const topic =
        f.topic === '' && f.topicAlias !== undefined
          ? `(alias ${String(f.topicAlias)})`
          : String(f.topic);
      return `PUBLISH ${topic} q${String(f.qos)}${id}${f.retain === true ? ' retain' : ''}${f.dup === true ? ' dup' : ''}`;
    }
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      return `${kind} ${String(f.topics)}${id}`;
    default:
      return `${kind}${id}`;
  }
}

function hintsOf(kind: string, f: Record<string, ProtocolFieldValue>): PairHint[] {
  const key = String(f.packetId ?? '');
  switch (kind) {
    case 'CONNECT':
      return [{ role: 'request', kind: 'connect', key: '' }];
    case 'CONNACK':
      return [{ role: 'answer', kind: 'connect', key: '' }];
    case 'PINGREQ':
      return [{ role: 'request', kind: 'ping', key: '' }];
    case 'PINGRESP':
      return [{ role: 'answer', kind: 'ping', key: '' }];
    case 'SUBSCRIBE':
      return [{ role: 'request', kind: 'subscribe', key }];
    case 'SUBACK':
      return [{ role: 'answer', kind: 'subscribe', key }];
    case 'UNSUBSCRIBE':
      return [{ role: 'request', kind: 'unsubscribe', key }];
    case 'UNSUBACK':
      return [{ role: 'answer', kind: 'unsubscribe', key }];
    case 'PUBLISH':
      if (f.qos === 1) return [{ role: 'request', kind: 'puback', key }];
      if (f.qos === 2) return [{ role: 'request', kind: 'pubrec', key }];
      return [];
    case 'PUBACK':
      return [{ role: 'answer', kind: 'puback', key }];
    case 'PUBREC':
      return [{ role: 'answer', kind: 'pubrec', key }];
    case 'PUBREL':
      return [{ role: 'request', kind: 'pubcomp', key }];
    case 'PUBCOMP':
      return [{ role: 'answer', kind: 'pubcomp', key }];
    default:
      return [];
  }
}
