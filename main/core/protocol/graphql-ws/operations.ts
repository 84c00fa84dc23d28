/**
 * GraphQL operations rebuilt from a connection's annotated messages: what was asked, each
 * result, how it ended, time to first result, lifetime. Computed when asked (inspect, the
 * operations table), never stored per entry.
 */
import type { Direction } from '../../../../shared/model/entry.ts';
import type {
  MessageRef,
  ProtocolAnnotation,
  ProtocolName,
} from '../../../../shared/model/protocol.ts';

export type GraphqlEnding = 'complete' | 'error' | 'cancelled' | 'connection-closed' | 'open';

export interface GraphqlOperation {
  protocol: ProtocolName;
  connectionId: string;
  id: string;
  type: string;
  name?: string;
  variables?: string;
  start: MessageRef;
  /** `next`/`data` messages (results), and how many of them carried errors. */
  results: number;
  errors: number;
  firstResultMs?: number;
  ended: GraphqlEnding;
  /** Until the ending message, or the connection's close; absent while open. */
  lifetimeMs?: number;
}

const GRAPHQL: readonly ProtocolName[] = ['graphql-transport-ws', 'subscriptions-transport-ws'];

/**
 * `annotations` in seq order; `closedAt` gives a connection's close time when it is closed.
 */
export function graphqlOperations(
  annotations: Iterable<ProtocolAnnotation>,
  closedAt: (connectionId: string) => number | undefined,
): GraphqlOperation[] {
  const all: GraphqlOperation[] = [];
  const live = new Map<string, GraphqlOperation>();
  for (const a of annotations) {
    for (const m of a.messages) {
      if (!GRAPHQL.includes(m.protocol) || m.malformed !== undefined) continue;
      const id = m.fields.id;
      if (typeof id !== 'string') continue;
      const key = `${a.connectionId}\u0000${id}`;
      if (m.kind === 'subscribe' || m.kind === 'start') {
        const op: GraphqlOperation = {
          protocol: m.protocol,
          connectionId: a.connectionId,
          id,
          type: String(m.fields.opType ?? 'query'),
          start: { seq: a.seq, index: m.index, connectionId: a.connectionId, time: a.time },
          results: 0,
          errors: 0,
          ended: 'open',
        };
        if (typeof m.fields.op === 'string') op.name = m.fields.op;
        if (typeof m.fields.variables === 'string') op.variables = m.fields.variables;
        all.push(op);
        live.set(key, op);
        continue;
      }
      const op = live.get(key);
      if (op === undefined) continue;
      if (m.kind === 'next' || m.kind === 'data') {
        op.results++;
        if (typeof m.fields.errors === 'number' && m.fields.errors > 0) op.errors++;
        op.firstResultMs ??= a.time - op.start.time;
        continue;
      }
      const ending = endingOf(m.kind, a.direction);
      if (ending === undefined) continue;
      if (m.kind === 'error') op.firstResultMs ??= a.time - op.start.time;
      op.ended = ending;
      op.lifetimeMs = a.time - op.start.time;
      live.delete(key);
    }
  }
  for (const op of live.values()) {
    const closed = closedAt(op.connectionId);
    if (closed === undefined) continue;
    op.ended = 'connection-closed';
    op.lifetimeMs = Math.max(0, closed - op.start.time);
  }
  return all;
}

function endingOf(kind: string, direction: Direction): GraphqlEnding | undefined {
  if (kind === 'error') return 'error';
  if (kind === 'stop') return 'cancelled';
  if (kind === 'complete') return direction === 'out' ? 'cancelled' : 'complete';
  return undefined;
}
