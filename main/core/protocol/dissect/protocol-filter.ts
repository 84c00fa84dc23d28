/**
 * Protocol terms for the filter language, ready to be wired into shared/filter (parser) and
 * main/core/filter (compile): `proto:mqtt`, `rpc.method:tools/call`, `sio.event:chat`,
 * `sio.ns:/chat`, `signalr.target:Send`, `gql.op:OnMessage`, `stomp.dest:/queue/a`,
 * `mqtt.topic:a/#`, `rpc.error`, `pair.latency>500ms`, `unanswered`, and the protocol kind
 * (`pkind:EVENT`). Evaluated against an entry's annotation in a ProtocolViews.
 */
import type { ProtocolAnnotation, ProtocolName } from '../../../../shared/model/protocol.ts';
import { PROTOCOL_NAMES } from '../../../../shared/model/protocol.ts';
import type { ProtocolViews } from './protocol-views.ts';

export type LatencyOp = '<' | '<=' | '>' | '>=' | '=';

export type ProtocolTerm =
  | { type: 'proto'; name: ProtocolName }
  | { type: 'pkind'; kind: string }
  | { type: 'field'; protocols: readonly ProtocolName[]; field: string; value: string }
  | { type: 'rpc-error' }
  | { type: 'latency'; op: LatencyOp; ms: number }
  | { type: 'unanswered' };

/** `prefix:` → where the value is looked up. */
export const PROTOCOL_FIELDS: Readonly<
  Record<string, { protocols: readonly ProtocolName[]; field: string }>
> = {
  'rpc.method': { protocols: ['jsonrpc'], field: 'method' },
  'sio.event': { protocols: ['socketio'], field: 'event' },
  'sio.ns': { protocols: ['socketio'], field: 'ns' },
  'signalr.target': { protocols: ['signalr'], field: 'target' },
  'gql.op': { protocols: ['graphql-transport-ws', 'subscriptions-transport-ws'], field: 'op' },
  'stomp.dest': { protocols: ['stomp'], field: 'dest' },
  'mqtt.topic': { protocols: ['mqtt'], field: 'topic' },
};

/** One filter word as a protocol term, or undefined when it is not one. */
export function parseProtocolTerm(word: string): ProtocolTerm | undefined {
  if (word === 'unanswered') return { type: 'unanswered' };
  if (word === 'rpc.error') return { type: 'rpc-error' };
  const latency = /^pair\.latency(<=|>=|<|>|=)(\d+(?:\.\d+)?)(ms|s)?$/.exec(word);
  if (latency !== null) {
    const ms = Number(latency[2]) * (latency[3] === 's' ? 1000 : 1);
    return { type: 'latency', op: latency[1] as LatencyOp, ms };
  }
  const colon = word.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = word.slice(0, colon);
  const value = word.slice(colon + 1);
  if (value === '') return undefined;
  if (prefix === 'proto') {
    const name = PROTOCOL_NAMES.find((n) => n === value.toLowerCase());
    return name === undefined ? undefined : { type: 'proto', name };
  }
  if (prefix === 'pkind') return { type: 'pkind', kind: value };
  const target = PROTOCOL_FIELDS[prefix];
  return target === undefined ? undefined : { type: 'field', ...target, value };
}

/**
 * Answers protocol terms for entries of one ProtocolViews. Take one per query: the unanswered
 * set is read once, when created.
 */
export class ProtocolFilterContext {
  readonly #views: ProtocolViews;
  readonly #unanswered: Set<number>;

  constructor(views: ProtocolViews) {
    this.#views = views;
    this.#unanswered = new Set(views.unanswered().map((u) => u.request.seq));
  }

  matches(term: ProtocolTerm, seq: number): boolean {
    const annotation = this.#views.annotationOf(seq);
    if (annotation === undefined) return false;
    switch (term.type) {
      case 'proto':
        return annotation.messages.some((m) => m.protocol === term.name);
      case 'pkind': {
        const kind = term.kind.toLowerCase();
        return annotation.messages.some((m) => m.kind.toLowerCase() === kind);
      }
      case 'field':
        return fieldMatches(annotation, term);
      case 'rpc-error':
        return annotation.messages.some((m) => m.protocol === 'jsonrpc' && m.kind === 'error');
      case 'unanswered':
        return this.#unanswered.has(seq);
      case 'latency':
        return this.#views.pairsOf(seq).some((p) => compare(p.latencyMs, term.op, term.ms));
    }
  }
}

function fieldMatches(
  annotation: ProtocolAnnotation,
  term: Extract<ProtocolTerm, { type: 'field' }>,
): boolean {
  for (const m of annotation.messages) {
    if (!term.protocols.includes(m.protocol)) continue;
    if (term.field === 'topic') {
      // MQTT: a PUBLISH topic against a filter with wildcards, or a SUBSCRIBE naming it.
      const topic = m.fields.topic;
      if (typeof topic === 'string' && mqttTopicMatches(term.value, topic)) return true;
      const topics = m.fields.topics;
      if (typeof topics === 'string' && topics.split(',').includes(term.value)) return true;
      continue;
    }
    const value = m.fields[term.field];
    if (value !== undefined && value !== null && String(value) === term.value) return true;
  }
  return false;
}

/** MQTT topic filter matching: `+` one level, `#` this level and all below. */
export function mqttTopicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i < f.length - 1 ? false : !(i === 0 && topic.startsWith('$'));
    if (i >= t.length) return false;
    if (level === '+') {
      if (i === 0 && topic.startsWith('$')) return false;
      continue;
    }
    if (level !== t[i]) return false;
  }
  return f.length === t.length;
}

function compare(a: number, op: LatencyOp, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '=':
      return a === b;
  }
}
