/**
 * MQTT 5 properties (spec §2.2.2): a variable byte integer length, then identifier/value pairs.
 * Every property the spec defines is decoded into flat fields named below; a property that
 * breaks the rules (unknown identifier, value past the block's end, a repeat, a wrong place,
 * a value out of range) is reported as a problem and the packet is still shown: the block's
 * length says where the rest of the packet starts, so nothing after it is lost.
 */
import type { ProtocolFieldValue } from '../../../../shared/model/protocol.ts';
import { Reader, Short } from './mqtt-reader.ts';

/** Where properties occur: a packet type, or a CONNECT's will. */
export type PropertyPlace =
  | 'CONNECT'
  | 'CONNACK'
  | 'PUBLISH'
  | 'WILL'
  | 'PUBACK'
  | 'PUBREC'
  | 'PUBREL'
  | 'PUBCOMP'
  | 'SUBSCRIBE'
  | 'SUBACK'
  | 'UNSUBSCRIBE'
  | 'UNSUBACK'
  | 'DISCONNECT'
  | 'AUTH';

export interface PropertyProblem {
  code: string;
  message: string;
}

type ValueType =
  | 'byte'
  | 'bool'
  | 'u16'
  | 'u32'
  | 'varint'
  | 'string'
  /** Binary shown as text when it is UTF-8 (correlation data is often a UUID), else hex. */
  | 'binary'
  /** Binary whose size only is shown: authentication data may be a credential. */
  | 'secret'
  | 'pair';

interface PropertyDef {
  /** The field's name (`will…` inside a will, except `willDelay` itself). */
  field: string;
  spec: string;
  type: ValueType;
  places: readonly PropertyPlace[];
  /** Allowed more than once in these places. */
  repeats?: readonly PropertyPlace[];
  /** Smallest allowed value (a 0 Receive Maximum or Topic Alias is a protocol error). */
  min?: number;
  max?: number;
}

const ACKS: readonly PropertyPlace[] = [
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBACK',
  'UNSUBACK',
];
const MESSAGE: readonly PropertyPlace[] = ['PUBLISH', 'WILL'];
const EVERYWHERE: readonly PropertyPlace[] = [
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'WILL',
  ...ACKS,
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'DISCONNECT',
  'AUTH',
];

/** The spec's Table 2-4, by identifier. */
export const MQTT_PROPERTIES: ReadonlyMap<number, PropertyDef> = new Map<number, PropertyDef>([
  [
    0x01,
    {
      field: 'payloadFormat',
      spec: 'Payload Format Indicator',
      type: 'byte',
      places: MESSAGE,
      max: 1,
    },
  ],
  [0x02, { field: 'messageExpiry', spec: 'Message Expiry Interval', type: 'u32', places: MESSAGE }],
  [0x03, { field: 'contentType', spec: 'Content Type', type: 'string', places: MESSAGE }],
  [0x08, { field: 'responseTopic', spec: 'Response Topic', type: 'string', places: MESSAGE }],
  [0x09, { field: 'correlationData', spec: 'Correlation Data', type: 'binary', places: MESSAGE }],
  [
    0x0b,
    {
      field: 'subscriptionIds',
      spec: 'Subscription Identifier',
      type: 'varint',
      places: ['PUBLISH', 'SUBSCRIBE'],
      repeats: ['PUBLISH'],
      min: 1,
    },
  ],
  [
    0x11,
    {
      field: 'sessionExpiry',
      spec: 'Session Expiry Interval',
      type: 'u32',
      places: ['CONNECT', 'CONNACK', 'DISCONNECT'],
    },
  ],
  [
    0x12,
    {
      field: 'assignedClientId',
      spec: 'Assigned Client Identifier',
      type: 'string',
      places: ['CONNACK'],
    },
  ],
  [0x13, { field: 'serverKeepAlive', spec: 'Server Keep Alive', type: 'u16', places: ['CONNACK'] }],
  [
    0x15,
    {
      field: 'authMethod',
      spec: 'Authentication Method',
      type: 'string',
      places: ['CONNECT', 'CONNACK', 'AUTH'],
    },
  ],
  [
    0x16,
    {
      field: 'authDataSize',
      spec: 'Authentication Data',
      type: 'secret',
      places: ['CONNECT', 'CONNACK', 'AUTH'],
    },
  ],
  [
    0x17,
    {
      field: 'requestProblemInfo',
      spec: 'Request Problem Information',
      type: 'bool',
      places: ['CONNECT'],
    },
  ],
  [0x18, { field: 'willDelay', spec: 'Will Delay Interval', type: 'u32', places: ['WILL'] }],
  [
    0x19,
    {
      field: 'requestResponseInfo',
      spec: 'Request Response Information',
      type: 'bool',
      places: ['CONNECT'],
    },
  ],
  [
    0x1a,
    { field: 'responseInfo', spec: 'Response Information', type: 'string', places: ['CONNACK'] },
  ],
  [
    0x1c,
    {
      field: 'serverReference',
      spec: 'Server Reference',
      type: 'string',
      places: ['CONNACK', 'DISCONNECT'],
    },
  ],
  [
    0x1f,
    {
      field: 'reasonString',
      spec: 'Reason String',
      type: 'string',
      places: ['CONNACK', ...ACKS, 'DISCONNECT', 'AUTH'],
    },
  ],
  [
    0x21,
    {
      field: 'receiveMaximum',
      spec: 'Receive Maximum',
      type: 'u16',
      places: ['CONNECT', 'CONNACK'],
      min: 1,
    },
  ],
  [
    0x22,
    {
      field: 'topicAliasMaximum',
      spec: 'Topic Alias Maximum',
      type: 'u16',
      places: ['CONNECT', 'CONNACK'],
    },
  ],
  [0x23, { field: 'topicAlias', spec: 'Topic Alias', type: 'u16', places: ['PUBLISH'], min: 1 }],
  [0x24, { field: 'maximumQos', spec: 'Maximum QoS', type: 'byte', places: ['CONNACK'], max: 1 }],
  [0x25, { field: 'retainAvailable', spec: 'Retain Available', type: 'bool', places: ['CONNACK'] }],
  [
    0x26,
    {
      field: 'userProperties',
      spec: 'User Property',
      type: 'pair',
      places: EVERYWHERE,
      repeats: EVERYWHERE,
    },
  ],
  [
    0x27,
    {
      field: 'maximumPacketSize',
      spec: 'Maximum Packet Size',
      type: 'u32',
      places: ['CONNECT', 'CONNACK'],
      min: 1,
    },
  ],
  [
    0x28,
    {
      field: 'wildcardSubscriptionAvailable',
      spec: 'Wildcard Subscription Available',
      type: 'bool',
      places: ['CONNACK'],
    },
  ],
  [
    0x29,
    {
      field: 'subscriptionIdAvailable',
      spec: 'Subscription Identifier Available',
      type: 'bool',
      places: ['CONNACK'],
    },
  ],
  [
    0x2a,
    {
      field: 'sharedSubscriptionAvailable',
      spec: 'Shared Subscription Available',
      type: 'bool',
      places: ['CONNACK'],
    },
  ],
]);

/** Strings and binary shown in fields are clipped here; fields stay small per entry. */
const CLIP = 256;
/** The JSON of user properties is clipped here. */
const CLIP_PAIRS = 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function clip(text: string, max = CLIP): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes.subarray(0, CLIP / 2)) out += b.toString(16).padStart(2, '0');
  return bytes.length > CLIP / 2 ? `${out}…` : out;
}

function fieldName(field: string, place: PropertyPlace): string {
  if (place !== 'WILL' || field === 'willDelay') return field;
  return `will${field.charAt(0).toUpperCase()}${field.slice(1)}`;
}

/**
 * Reads one property block at `r` into `fields` (`propertiesSize`, or `willPropertiesSize` in
 * a will, then one field per property). Throws `Short` only when the block's length runs past
 * the packet; problems inside the block are returned, the first one found.
 */
export function readProperties(
  r: Reader,
  place: PropertyPlace,
  fields: Record<string, ProtocolFieldValue>,
): PropertyProblem | undefined {
  const size = r.varint();
  const block = r.take(size);
  fields[place === 'WILL' ? 'willPropertiesSize' : 'propertiesSize'] = size;
  let problem: PropertyProblem | undefined;
  const note = (code: string, message: string): void => {
    problem ??= { code, message };
  };
  const seen = new Set<number>();
  const subscriptionIds: number[] = [];
  const pairs: [string, string][] = [];
  while (block.left > 0) {
    let id: number;
    try {
      id = block.varint();
    } catch {
      note('mqtt.property', 'property identifier runs past the end of the properties');
      break;
    }
    const def = MQTT_PROPERTIES.get(id);
    if (def === undefined) {
      // Its value's length is unknown, so nothing after it can be read.
      note('mqtt.property', `unknown property identifier 0x${id.toString(16).padStart(2, '0')}`);
      break;
    }
    const name = fieldName(def.field, place);
    if (!def.places.includes(place)) {
      note(
        'mqtt.property-place',
        `${def.spec} is not allowed in ${place === 'WILL' ? 'a will' : place}`,
      );
    }
    if (seen.has(id) && !(def.repeats ?? []).includes(place)) {
      note('mqtt.property-repeat', `${def.spec} more than once`);
    }
    const first = !seen.has(id);
    seen.add(id);
    let value: number | undefined;
    try {
      switch (def.type) {
        case 'byte':
        case 'bool':
          value = block.u8();
          break;
        case 'u16':
          value = block.u16();
          break;
        case 'u32':
          value = block.u32();
          break;
        case 'varint':
          value = block.varint();
          break;
        case 'string':
          if (first) fields[name] = clip(block.str());
          else block.bin();
          break;
        case 'binary': {
          const bytes = block.bin();
          if (!first) break;
          try {
            fields[name] = clip(strictUtf8.decode(bytes));
          } catch {
            fields[`${name}Hex`] = hex(bytes);
          }
          break;
        }
        case 'secret':
          fields[name] = block.bin().length;
          break;
        case 'pair':
          pairs.push([block.str(), block.str()]);
          break;
      }
    } catch (error) {
      if (!(error instanceof Short)) throw error;
      note('mqtt.property', `${def.spec} runs past the end of the properties`);
      break;
    }
    if (value === undefined) continue;
    const max = def.type === 'bool' ? 1 : def.max;
    if ((def.min !== undefined && value < def.min) || (max !== undefined && value > max)) {
      note('mqtt.property-value', `${def.spec} ${String(value)} is out of range`);
    }
    if (def.type === 'varint' && def.field === 'subscriptionIds') subscriptionIds.push(value);
    // An out-of-range "boolean" keeps its number, so the problem is visible in the field.
    else if (first) fields[name] = def.type === 'bool' && value <= 1 ? value === 1 : value;
  }
  if (subscriptionIds.length > 0)
    fields[fieldName('subscriptionIds', place)] = subscriptionIds.join(',');
  if (pairs.length > 0)
    fields[fieldName('userProperties', place)] = clip(JSON.stringify(pairs), CLIP_PAIRS);
  return problem;
}
