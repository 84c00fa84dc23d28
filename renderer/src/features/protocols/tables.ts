/**
 * Per-channel tables built from the channel's opened entries (their protocol details): calls with
 * their status and latency, GraphQL operations, and messages counted by event, topic or
 * destination. Pure, so the component only renders.
 */
import type { ProtocolEntryDetail } from '../../../../shared/api.ts';
import type {
  ProtocolFieldValue,
  ProtocolMessage,
  ProtocolPair,
} from '../../../../shared/model/protocol.ts';
import type { Direction } from '../../../../shared/model/entry.ts';

export interface Located {
  seq: number;
  connectionId: string;
  direction: Direction;
  time: number;
  message: ProtocolMessage;
}

export interface CallRow {
  method: string;
  id: string;
  request: Located;
  status: 'ok' | 'error' | 'pending' | 'answered';
  error?: string;
  latencyMs?: number;
  answer?: { seq: number; connectionId: string };
}

export interface OperationRow {
  id: string;
  type: string;
  name: string;
  start: Located;
  results: number;
  firstResultMs?: number;
  ended: 'complete' | 'error' | 'cancelled' | 'open';
}

export interface CountRow {
  key: string;
  out: number;
  in: number;
  last: Located;
}

export interface ChannelTables {
  calls: CallRow[];
  operations: OperationRow[];
  /** Socket.IO events, MQTT topics or STOMP destinations, with a title for the column. */
  counts: { title: string; rows: CountRow[] } | null;
}

const text = (value: ProtocolFieldValue | undefined): string =>
  value === undefined || value === null ? '' : String(value);

/** What the tables read of an entry: its protocol messages and the pairs it ends. */
export type TableSource = Pick<ProtocolEntryDetail, 'annotation' | 'pairs'>;

export function located(details: readonly TableSource[]): Located[] {
  const all: Located[] = [];
  for (const { annotation } of details)
    for (const message of annotation.messages)
      all.push({
        seq: annotation.seq,
        connectionId: annotation.connectionId,
        direction: annotation.direction,
        time: annotation.time,
        message,
      });
  return all.sort((a, b) => a.seq - b.seq || a.message.index - b.message.index);
}

function pairsOf(details: readonly TableSource[]): Map<string, ProtocolPair> {
  // Keyed by the request end; the same pair arrives with both of its entries.
  const pairs = new Map<string, ProtocolPair>();
  for (const detail of details)
    for (const pair of detail.pairs)
      pairs.set(`${pair.kind}@${String(pair.request.seq)}.${String(pair.request.index)}`, pair);
  return pairs;
}

const callKinds: Record<string, string> = { request: 'call', Invocation: 'invocation' };
const graphqlStarts = new Set(['subscribe', 'start']);
const graphqlResults = new Set(['next', 'data']);

export function buildTables(details: readonly TableSource[]): ChannelTables {
  const messages = located(details);
  const bySeq = new Map<string, Located>();
  for (const m of messages) bySeq.set(`${String(m.seq)}.${String(m.message.index)}`, m);
  const pairs = pairsOf(details);
  const pairFor = (kind: string, m: Located) =>
    pairs.get(`${kind}@${String(m.seq)}.${String(m.message.index)}`);

  const calls: CallRow[] = [];
  const operations = new Map<string, OperationRow>();
  const counted = new Map<string, CountRow>();
  let countTitle: string | null = null;

  for (const m of messages) {
    const { message } = m;
    const fields = message.fields;
    const callKind = callKinds[message.kind];
    const id = text(fields.id ?? fields.invocationId);
    // A SignalR invocation without an id expects no answer: it is counted by target instead.
    const isCall =
      callKind !== undefined &&
      (message.protocol === 'jsonrpc' || (message.protocol === 'signalr' && id !== ''));
    if (callKind && isCall) {
      const row: CallRow = {
        method: text(fields.method ?? fields.target),
        id,
        request: m,
        status: 'pending',
      };
      const pair = pairFor(callKind, m);
      if (pair) {
        row.latencyMs = pair.latencyMs;
        row.answer = { seq: pair.answer.seq, connectionId: pair.answer.connectionId };
        const answer = bySeq.get(`${String(pair.answer.seq)}.${String(pair.answer.index)}`);
        const failed =
          answer?.message.kind === 'error' ||
          (answer?.message.protocol === 'signalr' && text(answer.message.fields.error) !== '');
        row.status = !answer ? 'answered' : failed ? 'error' : 'ok';
        if (answer && failed)
          row.error = [
            text(answer.message.fields.errorCode),
            text(answer.message.fields.errorMessage ?? answer.message.fields.error),
          ]
            .filter(Boolean)
            .join(' ');
      }
      calls.push(row);
      continue;
    }
    if (message.protocol.includes('graphql') || message.protocol.includes('subscriptions')) {
      if (graphqlStarts.has(message.kind)) {
        const pair = pairFor('first-result', m);
        operations.set(id, {
          id,
          type: text(fields.opType),
          name: text(fields.op),
          start: m,
          results: 0,
          ended: 'open',
          ...(pair ? { firstResultMs: pair.latencyMs } : {}),
        });
        continue;
      }
      const op = operations.get(id);
      if (!op) continue;
      if (graphqlResults.has(message.kind)) op.results++;
      else if (message.kind === 'error') op.ended = 'error';
      else if (message.kind === 'stop') op.ended = 'cancelled';
      else if (message.kind === 'complete' && op.ended === 'open')
        op.ended = m.direction === 'out' ? 'cancelled' : 'complete';
      continue;
    }
    const count = countKey(message);
    if (count) {
      countTitle = count.title;
      const row = counted.get(count.key) ?? { key: count.key, out: 0, in: 0, last: m };
      row[m.direction]++;
      row.last = m;
      counted.set(count.key, row);
    }
  }
  return {
    calls,
    operations: [...operations.values()],
    counts: countTitle
      ? {
          title: countTitle,
          rows: [...counted.values()].sort((a, b) => b.out + b.in - a.out - a.in),
        }
      : null,
  };
}

function countKey(message: ProtocolMessage): { title: string; key: string } | null {
  const { fields, kind } = message;
  if (message.protocol === 'socketio' && (kind === 'EVENT' || kind === 'BINARY_EVENT')) {
    const ns = text(fields.ns);
    return { title: 'Event', key: `${ns && ns !== '/' ? `${ns} ` : ''}${text(fields.event)}` };
  }
  if (message.protocol === 'mqtt' && kind === 'PUBLISH')
    return { title: 'Topic', key: text(fields.topic) };
  if (message.protocol === 'stomp' && (kind === 'SEND' || kind === 'MESSAGE'))
    return { title: 'Destination', key: text(fields.dest) };
  if (message.protocol === 'signalr' && kind === 'Invocation')
    return { title: 'Target', key: text(fields.target) };
  return null;
}
