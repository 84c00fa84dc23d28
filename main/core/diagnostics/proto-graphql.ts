/**
 * GraphQL over WebSocket (graphql-transport-ws and the legacy subscriptions-transport-ws) on one
 * channel: queries and mutations that never got a result, and subscriptions still running, ended
 * by neither side, when the connection closed. Operation ids are the client's, one namespace.
 */
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { plural } from './finding.ts';
import { Pending } from './pending.ts';
import {
  age,
  unansweredFinding,
  type ChannelCheck,
  type ProtocolTracker,
} from './proto-support.ts';
import { RULE, type Finding } from './types.ts';

interface Operation {
  id: string;
  type: string;
  name: string | undefined;
  results: number;
}

export class GraphqlTracker implements ProtocolTracker {
  /** Queries and mutations until their first result (or error, or end). */
  readonly #operations = new Pending<Operation>();
  /** Subscriptions until either side ends them. */
  readonly #subscriptions = new Pending<Operation>();

  observe(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.malformed !== undefined) return;
    const id = m.fields.id;
    if (typeof id !== 'string') return;
    switch (m.kind) {
      case 'subscribe':
      case 'start': {
        const type = String(m.fields.opType ?? 'query');
        const op: Operation = {
          id,
          type,
          name: typeof m.fields.op === 'string' ? m.fields.op : undefined,
          results: 0,
        };
        const waiting = { seq: a.seq, time: a.time, connectionId: a.connectionId, data: op };
        if (type === 'subscription') this.#subscriptions.add(id, waiting);
        else this.#operations.add(id, waiting);
        return;
      }
      case 'next':
      case 'data': {
        this.#operations.take(id);
        const subscription = this.#subscriptions.get(id);
        if (subscription !== undefined) subscription.data.results++;
        return;
      }
      case 'error':
      case 'complete':
      case 'stop':
        this.#operations.take(id);
        this.#subscriptions.take(id);
        return;
    }
  }

  check(channel: ChannelCheck, out: Finding[]): void {
    unansweredFinding(
      RULE.graphqlOperationUnanswered,
      this.#operations,
      channel,
      { one: 'operation', many: 'operations', without: 'a result' },
      (w) => `${describe(w.data)} (${age(w, channel)})`,
      out,
    );
    // A subscription may run as long as the connection: only its end without a complete counts.
    if (!channel.ended) return;
    unansweredFinding(
      RULE.graphqlSubscriptionNotCompleted,
      this.#subscriptions,
      channel,
      { one: 'subscription', many: 'subscriptions', without: 'a complete from either side' },
      (w) => `${describe(w.data)}, ${plural(w.data.results, 'result')} so far`,
      out,
    );
  }
}

function describe(op: Operation): string {
  return `${op.type}${op.name === undefined ? '' : ` ${op.name}`} #${op.id}`;
}
