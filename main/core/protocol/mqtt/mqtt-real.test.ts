/**
 * The MQTT dissector against the real libraries: the `mqtt` client over WebSocket, through
 * Telltale's reverse proxy, to a real broker: aedes for 3.1.1 (aedes refuses 5.0) and Debian's
 * mosquitto for 5.0 (user properties, a will with properties, topic aliases the client assigns,
 * subscription identifiers). The packets, packet ids, properties and flows Telltale shows must
 * be what the client sent and received (its `packetsend`/`packetreceive` events), the messages
 * what it was delivered, and for aedes what the broker says it received.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import type { Direction } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { mosquittoBinary, startAedes, startMosquitto, type Broker } from './mqtt-brokers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One packet as the client library saw it, copied when it was sent or received. */
interface Seen {
  cmd: string;
  messageId?: number;
  topic?: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  payload?: string;
  properties?: Record<string, unknown>;
  willProperties?: Record<string, unknown>;
}

function seen(packet: Packet): Seen {
  const p = packet as Packet & {
    messageId?: number;
    topic?: string | Buffer;
    qos?: number;
    retain?: boolean;
    dup?: boolean;
    payload?: string | Buffer;
    properties?: Record<string, unknown>;
    will?: { properties?: Record<string, unknown> };
  };
  const out: Seen = { cmd: p.cmd };
  // The library gives a QoS 0 PUBLISH the id 0; on the wire it has none.
  if (p.messageId !== undefined && !(p.cmd === 'publish' && p.qos === 0)) {
    out.messageId = p.messageId;
  }
  if (p.cmd === 'publish') {
    out.topic = String(p.topic);
    out.qos = p.qos;
    out.retain = p.retain;
    out.dup = p.dup;
    out.payload = String(p.payload);
  }
  if (p.properties !== undefined) out.properties = structuredClone(p.properties);
  if (p.will?.properties !== undefined) out.willProperties = structuredClone(p.will.properties);
  return out;
}

const same = (v: unknown) => v as ProtocolFieldValue;
const text = (v: unknown) => Buffer.from(v as Uint8Array).toString('utf8');
/** mqtt-packet gives user properties as {key: value | value[]}. */
const pairs = (v: unknown) =>
  JSON.stringify(
    Object.entries(v as Record<string, string | string[]>)
      .flatMap(([k, vs]) => (Array.isArray(vs) ? vs : [vs]).map((x) => [k, x]))
      .sort(),
  );

/** mqtt-packet's property names → Telltale's field and the value it shows. */
const PROPERTY_FIELDS: Record<string, [string, (v: unknown) => ProtocolFieldValue]> = {
  sessionExpiryInterval: ['sessionExpiry', same],
  willDelayInterval: ['willDelay', same],
  receiveMaximum: ['receiveMaximum', same],
  maximumPacketSize: ['maximumPacketSize', same],
  topicAliasMaximum: ['topicAliasMaximum', same],
  requestResponseInformation: ['requestResponseInfo', same],
  requestProblemInformation: ['requestProblemInfo', same],
  userProperties: ['userProperties', pairs],
  authenticationMethod: ['authMethod', same],
  authenticationData: ['authDataSize', (v) => (v as Uint8Array).length],
  payloadFormatIndicator: ['payloadFormat', (v) => (v === true ? 1 : 0)],
  messageExpiryInterval: ['messageExpiry', same],
  contentType: ['contentType', same],
  responseTopic: ['responseTopic', same],
  correlationData: ['correlationData', text],
  maximumQoS: ['maximumQos', same],
  retainAvailable: ['retainAvailable', same],
  assignedClientIdentifier: ['assignedClientId', same],
  reasonString: ['reasonString', same],
  wildcardSubscriptionAvailable: ['wildcardSubscriptionAvailable', same],
  subscriptionIdentifiersAvailable: ['subscriptionIdAvailable', same],
  sharedSubscriptionAvailable: ['sharedSubscriptionAvailable', same],
  serverKeepAlive: ['serverKeepAlive', same],
  responseInformation: ['responseInfo', same],
  serverReference: ['serverReference', same],
  topicAlias: ['topicAlias', same],
  subscriptionIdentifier: ['subscriptionIds', (v) => (Array.isArray(v) ? v.join(',') : String(v))],
};

/** The fields Telltale must show for the properties the library reported. */
function expectedPropertyFields(
  properties: Record<string, unknown> | undefined,
  will = false,
): Record<string, ProtocolFieldValue> {
  const out: Record<string, ProtocolFieldValue> = {};
  for (const [name, value] of Object.entries(properties ?? {})) {
    if (value === undefined) continue;
    const known = PROPERTY_FIELDS[name];
    if (known === undefined) throw new Error(`no field known for property ${name}`);
    const [field, convert] = known;
    const key =
      will && field !== 'willDelay'
        ? `will${field[0]?.toUpperCase() ?? ''}${field.slice(1)}`
        : field;
    out[key] = convert(value);
  }
  return out;
}

/** Telltale's user properties, sorted like `pairs` (the library groups repeats by key). */
function sortedPairs(
  fields: Record<string, ProtocolFieldValue>,
): Record<string, ProtocolFieldValue> {
  const out = { ...fields };
  for (const key of ['userProperties', 'willUserProperties']) {
    const value = out[key];
    if (typeof value === 'string')
      out[key] = JSON.stringify((JSON.parse(value) as string[][]).sort());
  }
  return out;
}

/** The request a packet makes and the answer that closes it, as Telltale pairs them. */
const REQUESTS: Record<string, [kind: string, answer: string]> = {
  connect: ['connect', 'connack'],
  pingreq: ['ping', 'pingresp'],
  subscribe: ['subscribe', 'suback'],
  unsubscribe: ['unsubscribe', 'unsuback'],
  pubrel: ['pubcomp', 'pubcomp'],
};

function requestOf(s: Seen): [string, string] | undefined {
  if (s.cmd === 'publish') {
    if (s.qos === 1) return ['puback', 'puback'];
    if (s.qos === 2) return ['pubrec', 'pubrec'];
    return undefined;
  }
  return REQUESTS[s.cmd];
}

/** Pairs the client's own record implies: each request with the first matching answer back. */
function expectedPairs(sent: Seen[], received: Seen[]): string[] {
  const out: string[] = [];
  for (const [dir, asks, answers] of [
    ['out', sent, received],
    ['in', received, sent],
  ] as const) {
    const used = new Set<number>();
    for (const [i, ask] of asks.entries()) {
      const request = requestOf(ask);
      if (request === undefined) continue;
      const answer = answers.findIndex(
        (a, j) => !used.has(j) && a.cmd === request[1] && a.messageId === ask.messageId,
      );
      if (answer < 0) continue;
      used.add(answer);
      out.push(`${dir} ${request[0]} ${String(ask.messageId ?? '')} @${String(i)}`);
    }
  }
  return out.sort();
}

/** The topic each PUBLISH stands for: its own, or the one its alias was given earlier. */
function resolvedTopics(list: Seen[]): (string | undefined)[] {
  const aliases = new Map<number, string>();
  return list.map((s) => {
    if (s.cmd !== 'publish') return undefined;
    const alias = s.properties?.topicAlias as number | undefined;
    if (alias === undefined) return s.topic;
    if (s.topic !== '') aliases.set(alias, s.topic ?? '');
    return s.topic === '' ? aliases.get(alias) : s.topic;
  });
}

interface Run {
  sent: Seen[];
  received: Seen[];
  delivered: { topic: string; payload: string; qos: number; retain: boolean }[];
}

/**
 * One session: a retained publish, a subscription that delivers it, QoS 0/1/2 publishes that
 * come back through the subscription (so both directions run their QoS flows), a ping, an
 * unsubscribe and a clean disconnect.
 */
async function runSession(url: string, version: 4 | 5): Promise<Run> {
  const v5 = version === 5;
  const options: IClientOptions = {
    protocolVersion: version,
    clientId: `tt-${String(version)}`,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    // Connected below, once the packet listeners are on: CONNECT is written at once.
    manualConnect: true,
    will: {
      topic: 'tt/will',
      payload: Buffer.from('gone'),
      qos: 1,
      retain: false,
      ...(v5
        ? {
            properties: {
              willDelayInterval: 5,
              contentType: 'text/plain',
              userProperties: { why: 'test' },
            },
          }
        : {}),
    },
    ...(v5
      ? {
          properties: {
            sessionExpiryInterval: 0,
            receiveMaximum: 32,
            topicAliasMaximum: 4,
            requestProblemInformation: true,
            userProperties: { app: 'telltale', run: 'real' },
          },
          // The second PUBLISH to a topic goes with an empty topic and the alias only.
          autoAssignTopicAlias: true,
        }
      : {}),
  };
  const run: Run = { sent: [], received: [], delivered: [] };
  const client: MqttClient = mqtt.connect(url, options);
  cleanups.push(() => {
    client.end(true);
  });
  client.on('packetsend', (packet) => run.sent.push(seen(packet)));
  client.on('packetreceive', (packet) => run.received.push(seen(packet)));
  client.connect();
  client.on('message', (topic, payload, packet) => {
    run.delivered.push({
      topic,
      payload: payload.toString(),
      qos: packet.qos,
      retain: packet.retain,
    });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => {
      resolve();
    });
    client.once('error', reject);
  });

  await client.publishAsync('tt/kept', 'kept', { qos: 1, retain: true });
  await client.subscribeAsync(
    { 'tt/#': { qos: 2 } },
    v5 ? { properties: { subscriptionIdentifier: 7, userProperties: { sub: 'all' } } } : {},
  );
  const extra = v5
    ? {
        properties: {
          userProperties: { k: 'v' },
          contentType: 'application/json',
          responseTopic: 'tt/replies',
          correlationData: Buffer.from('corr-1'),
          messageExpiryInterval: 60,
          payloadFormatIndicator: true,
        },
      }
    : {};
  await client.publishAsync('tt/q0', 'zero', { qos: 0 });
  await client.publishAsync('tt/q1', '{"n":1}', { qos: 1, ...extra });
  await client.publishAsync('tt/q2', 'two', { qos: 2 });
  await client.publishAsync('tt/q1', '{"n":2}', { qos: 1 });
  await waitFor(() => run.delivered.length >= 5, 5000, 'five messages delivered');
  client.sendPing();
  await waitFor(() => run.received.some((s) => s.cmd === 'pingresp'), 3000, 'the ping answered');
  await client.unsubscribeAsync('tt/#');
  await client.endAsync();
  return run;
}

async function proxied(broker: Broker) {
  const store = new SessionStore({ batchIntervalMs: 1 });
  const views = new ProtocolViews(store);
  cleanups.push(() => {
    views.dispose();
  });
  const proxy = await startProxy(store, { port: 0, target: broker.origin });
  cleanups.push(() => proxy.close());
  return { store, views, url: `${proxy.url.replace('http:', 'ws:')}/mqtt` };
}

/** Everything Telltale shows of the session against what the client recorded. */
async function compare(
  store: SessionStore,
  views: ProtocolViews,
  run: Run,
): Promise<{ messages: Record<Direction, ProtocolMessage[]> }> {
  const messagesOf = (): Record<Direction, ProtocolMessage[]> => {
    const out: Record<Direction, ProtocolMessage[]> = { out: [], in: [] };
    for (const a of views.annotations()) out[a.direction].push(...a.messages);
    return out;
  };
  await waitFor(
    () => {
      store.flush();
      const m = messagesOf();
      return m.out.length >= run.sent.length && m.in.length >= run.received.length;
    },
    3000,
    'every packet dissected',
  );
  const messages = messagesOf();
  expect(views.channels()).toMatchObject([
    { protocol: 'mqtt', chosenBy: 'subprotocol', malformed: 0, unanswered: 0 },
  ]);
  expect(views.unanswered()).toEqual([]);

  for (const [dir, list] of [
    ['out', run.sent],
    ['in', run.received],
  ] as const) {
    const shown = messages[dir];
    // Packet types and ids, in wire order.
    expect(shown.map((m) => [m.kind, m.fields.packetId])).toEqual(
      list.map((s) => [s.cmd.toUpperCase(), s.messageId]),
    );
    const topics = resolvedTopics(list);
    list.forEach((s, i) => {
      const fields = shown[i]?.fields ?? {};
      if (s.cmd === 'publish') {
        expect(fields).toMatchObject({
          topic: topics[i],
          qos: s.qos,
          retain: s.retain,
          dup: s.dup,
          payload: s.payload,
        });
      }
      // Every property the library reported, with Telltale's value for it.
      expect(sortedPairs(fields), `${dir} ${s.cmd} #${String(i)}`).toMatchObject({
        ...expectedPropertyFields(s.properties),
        ...expectedPropertyFields(s.willProperties, true),
      });
    });
  }

  // What the client was delivered is what Telltale shows arriving.
  expect(
    messages.in
      .filter((m) => m.kind === 'PUBLISH')
      .map((m) => ({
        topic: m.fields.topic,
        payload: m.fields.payload,
        qos: m.fields.qos,
        retain: m.fields.retain,
      })),
  ).toEqual(run.delivered);

  // Pairs: the ones the client's own record implies, nothing else, latencies sane.
  const position = new Map<string, number>();
  for (const dir of ['out', 'in'] as const) {
    let i = 0;
    for (const a of views.annotations()) {
      if (a.direction !== dir) continue;
      for (const m of a.messages) position.set(`${String(a.seq)}:${String(m.index)}`, i++);
    }
  }
  const pairs = views.pairs();
  expect(
    pairs
      .map((p) => {
        const dir = views.annotationOf(p.request.seq)?.direction ?? '?';
        const at = position.get(`${String(p.request.seq)}:${String(p.request.index)}`) ?? -1;
        return `${dir} ${p.kind} ${p.key} @${String(at)}`;
      })
      .sort(),
  ).toEqual(expectedPairs(run.sent, run.received));
  expect(pairs.every((p) => p.latencyMs >= 0)).toBe(true);
  expect(new Set(pairs.map((p) => p.kind))).toEqual(
    new Set(['connect', 'subscribe', 'unsubscribe', 'ping', 'puback', 'pubrec', 'pubcomp']),
  );
  return { messages };
}

const mosquitto = mosquittoBinary();
// In CI a missing broker is a failure, not a skip.
const v5Title =
  mosquitto === undefined && process.env.CI === undefined
    ? 'MQTT 5.0 with mosquitto (skipped: mosquitto is not installed; apt-get install mosquitto)'
    : 'MQTT 5.0 with mosquitto: properties, will properties, topic aliases, subscription ids';

describe('MQTT dissection of the real libraries through the proxy', () => {
  it('MQTT 3.1.1 with aedes: every packet, id, QoS flow and delivered message as the libraries report', async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.stop());
    const { store, views, url } = await proxied(broker);
    const run = await runSession(url, 4);
    const { messages } = await compare(store, views, run);

    expect(messages.out[0]?.fields).toMatchObject({
      version: 4,
      clientId: 'tt-4',
      willTopic: 'tt/will',
    });
    // The broker's own record of what it received matches what Telltale saw going out.
    expect(
      messages.out
        .filter((m) => m.kind === 'PUBLISH')
        .map((m) => ({
          topic: m.fields.topic,
          payload: m.fields.payload,
          qos: m.fields.qos,
          retain: m.fields.retain,
        })),
    ).toEqual(broker.published);
    expect(run.delivered.map((d) => [d.topic, d.retain])).toEqual([
      ['tt/kept', true],
      ['tt/q0', false],
      ['tt/q1', false],
      ['tt/q2', false],
      ['tt/q1', false],
    ]);
  });

  it.skipIf(mosquitto === undefined && process.env.CI === undefined)(v5Title, async () => {
    if (mosquitto === undefined) throw new Error('mosquitto is not installed (CI must have it)');
    const broker = await startMosquitto(mosquitto);
    cleanups.push(() => broker.stop());
    const { store, views, url } = await proxied(broker);
    const run = await runSession(url, 5);
    const { messages } = await compare(store, views, run);

    // The client assigned alias 1.. per topic and sent the repeat with an empty topic.
    const aliased = run.sent.findIndex((s) => s.cmd === 'publish' && s.topic === '');
    expect(aliased).toBeGreaterThan(0);
    expect(messages.out[aliased]?.fields).toMatchObject({
      topic: 'tt/q1',
      topicFromAlias: true,
      payload: '{"n":2}',
    });
    expect(messages.out[0]?.fields).toMatchObject({
      version: 5,
      userProperties: '[["app","telltale"],["run","real"]]',
      willDelay: 5,
      willContentType: 'text/plain',
    });
    // The subscription identifier comes back on every delivered PUBLISH.
    const delivered = messages.in.filter((m) => m.kind === 'PUBLISH');
    expect(delivered.map((m) => m.fields.subscriptionIds)).toEqual(delivered.map(() => '7'));
    expect(delivered.find((m) => m.fields.contentType !== undefined)?.fields).toMatchObject({
      topic: 'tt/q1',
      contentType: 'application/json',
      correlationData: 'corr-1',
      userProperties: '[["k","v"]]',
    });
  });
});
