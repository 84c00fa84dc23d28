/**
 * Protocol terms of the filter language (`proto:mqtt`, `pkind:EVENT`, `rpc.method:tools/call`,
 * `sio.event:chat`, `sio.ns:/chat`, `signalr.target:Send`, `gql.op:OnMessage`,
 * `stomp.dest:/queue/a`, `mqtt.topic:a/#`, `rpc.error`, `pair.latency>500ms`, `unanswered`),
 * answered from an entry's annotation and pairs in a ProtocolViews. The terms are parsed by
 * shared/filter; this is the FilterProtocolContext that main/core/filter evaluates them with.
 */
import type {
  CompareOp,
  ProtocolFieldName,
  ProtocolFilterTerm,
} from '../../../../shared/filter/ast.ts';
import { isProtocolTerm } from '../../../../shared/filter/ast.ts';
import { parseFilter } from '../../../../shared/filter/parser.ts';
import type { ProtocolAnnotation, ProtocolName } from '../../../../shared/model/protocol.ts';
import type { FilterProtocolContext } from '../../filter/protocol-context.ts';
import type { ProtocolViews } from './protocol-views.ts';

export type ProtocolTerm = ProtocolFilterTerm;
export type LatencyOp = CompareOp;

/** Filter field → the protocols whose messages carry it and the annotation field it reads. */
export const PROTOCOL_FIELDS: Readonly<
  Record<ProtocolFieldName, { protocols: readonly ProtocolName[]; field: string }>
> = {
  'rpc.method': { protocols: ['jsonrpc'], field: 'method' },
  'sio.event': { protocols: ['socketio'], field: 'event' },
  'sio.ns': { protocols: ['socketio'], field: 'ns' },
  'signalr.target': { protocols: ['signalr'], field: 'target' },
  'gql.op': { protocols: ['graphql-transport-ws', 'subscriptions-transport-ws'], field: 'op' },
  'stomp.dest': { protocols: ['stomp'], field: 'dest' },
  'mqtt.topic': { protocols: ['mqtt'], field: 'topic' },
};

/** One filter word as a protocol term, or undefined when it is not one (or does not parse). */
export function parseProtocolTerm(word: string): ProtocolTerm | undefined {
  const parsed = parseFilter(word);
  if (!parsed.ok || parsed.filter.type === 'all') return undefined;
  const node = parsed.filter;
  return node.type !== 'and' && node.type !== 'or' && node.type !== 'not' && isProtocolTerm(node)
    ? node
    : undefined;
}

/** What the terms read: a ProtocolViews, or a stand-in for one message (a held breakpoint). */
export type ProtocolLookup = Pick<ProtocolViews, 'annotationOf' | 'pairsOf' | 'unanswered'>;

/**
 * Answers protocol terms for entries of one ProtocolViews. Take one per query: the unanswered
 * set is read once, the first time `unanswered` is asked.
 */
export class ProtocolFilterContext implements FilterProtocolContext {
  readonly #views: ProtocolLookup;
  #unanswered: Set<number> | undefined;

  constructor(views: ProtocolLookup) {
    this.#views = views;
  }

  matches(term: ProtocolTerm, seq: number): boolean {
    if (term.type === 'latency') {
      return this.#views.pairsOf(seq).some((p) => compare(p.latencyMs, term.op, term.ms));
    }
    if (term.type === 'unanswered') {
      this.#unanswered ??= new Set(this.#views.unanswered().map((u) => u.request.seq));
      return this.#unanswered.has(seq);
    }
    const annotation = this.#views.annotationOf(seq);
    if (annotation === undefined) return false;
    switch (term.type) {
      case 'proto':
        return annotation.messages.some((m) => m.protocol === term.protocol);
      case 'pkind': {
        const kind = term.kind.toLowerCase();
        return annotation.messages.some((m) => m.kind.toLowerCase() === kind);
      }
      case 'pfield':
        return fieldMatches(annotation, term);
      case 'rpc-error':
        return annotation.messages.some((m) => m.protocol === 'jsonrpc' && m.kind === 'error');
    }
  }
}

function fieldMatches(
  annotation: ProtocolAnnotation,
  term: Extract<ProtocolTerm, { type: 'pfield' }>,
): boolean {
  const { protocols, field } = PROTOCOL_FIELDS[term.field];
  for (const m of annotation.messages) {
    if (!protocols.includes(m.protocol)) continue;
    if (field === 'topic') {
      // MQTT: a PUBLISH topic against a filter with wildcards, or a SUBSCRIBE naming it.
      const topic = m.fields.topic;
      if (typeof topic === 'string' && mqttTopicMatches(term.value, topic)) return true;
      const topics = m.fields.topics;
      if (typeof topics === 'string' && topics.split(',').includes(term.value)) return true;
      continue;
    }
    const value = m.fields[field];
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

function compare(a: number, op: CompareOp, b: number): boolean {
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
    case '!=':
      return a !== b;
  }
}
