/**
 * GraphQL over WebSocket, both protocols still in use: `graphql-transport-ws` (the graphql-ws
 * library, https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) and the legacy
 * `graphql-ws` subprotocol of subscriptions-transport-ws. Messages are JSON objects
 * `{type, id?, payload?}`; an operation is everything sharing an id.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Entry } from '../../../../shared/model/entry.ts';
import type {
  ProtocolFieldValue,
  ProtocolMessage,
  ProtocolName,
} from '../../../../shared/model/protocol.ts';
import { dataText, isRecord, parseJson, preview } from '../dissect/text.ts';
import type { Dissected, Dissector, PairHint } from '../dissect/types.ts';

type Role = 'start' | 'result' | 'end' | 'init' | 'init-answer' | 'ping' | 'pong' | 'other';

interface Flavor {
  name: ProtocolName;
  subprotocol: string;
  types: Readonly<Record<string, Role>>;
  /** Message types only this flavor uses, for sniffing an unlabelled connection. */
  distinctive: readonly string[];
}

const TRANSPORT_WS: Flavor = {
  name: 'graphql-transport-ws',
  subprotocol: 'graphql-transport-ws',
  types: {
    connection_init: 'init',
    connection_ack: 'init-answer',
    ping: 'ping',
    pong: 'pong',
    subscribe: 'start',
    next: 'result',
    error: 'result',
    complete: 'end',
  },
  distinctive: ['subscribe'],
};

const LEGACY: Flavor = {
  name: 'subscriptions-transport-ws',
  subprotocol: 'graphql-ws',
  types: {
    connection_init: 'init',
    connection_ack: 'init-answer',
    connection_error: 'init-answer',
    ka: 'other',
    start: 'start',
    data: 'result',
    error: 'result',
    complete: 'end',
    stop: 'end',
    connection_terminate: 'other',
  },
  distinctive: ['start'],
};

function dissector(flavor: Flavor): Dissector {
  return {
    name: flavor.name,
    subprotocols: [flavor.subprotocol],
    byUrl: () => false,
    sniff(entry) {
      const text = dataText(entry);
      if (text === undefined || !text.includes('"type"')) return false;
      const parsed = parseJson(text);
      return (
        parsed.ok &&
        isRecord(parsed.value) &&
        typeof parsed.value.type === 'string' &&
        flavor.distinctive.includes(parsed.value.type)
      );
    },
    create: (_connection: Connection) => ({
      gaveUp: undefined,
      feed: (entry: Entry) => dissectGraphqlWs(flavor, entry),
    }),
  };
}

export const graphqlTransportWsDissector = dissector(TRANSPORT_WS);
export const subscriptionsTransportWsDissector = dissector(LEGACY);

function dissectGraphqlWs(flavor: Flavor, entry: Entry): Dissected[] {
  const text = dataText(entry);
  if (text === undefined) return [];
  const parsed = parseJson(text);
  if (!parsed.ok) return [malformed(flavor, 'graphql-ws.not-json', parsed.message)];
  const value = parsed.value;
  if (!isRecord(value) || typeof value.type !== 'string') {
    return [malformed(flavor, 'graphql-ws.shape', 'not an object with a string "type"')];
  }
  const type = value.type;
  const role = flavor.types[type];
  if (role === undefined) {
    return [malformed(flavor, 'graphql-ws.type', `unknown message type "${type}"`)];
  }
  const fields: Record<string, ProtocolFieldValue> = {};
  const id = value.id;
  const opRole = role === 'start' || role === 'result' || role === 'end';
  if (opRole) {
    if (typeof id !== 'string' && typeof id !== 'number') {
      return [malformed(flavor, 'graphql-ws.id', `"${type}" needs an operation id`)];
    }
    fields.id = String(id);
  }
  const payload = value.payload;
  let summary = type;
  switch (role) {
    case 'start': {
      if (!isRecord(payload) || typeof payload.query !== 'string') {
        return [malformed(flavor, 'graphql-ws.payload', `"${type}" needs a payload with a query`)];
      }
      const op = operationOf(payload.query, payload.operationName);
      fields.opType = op.type;
      if (op.name !== undefined) fields.op = op.name;
      if (payload.variables !== undefined) fields.variables = preview(payload.variables);
      fields.query = preview(payload.query.replace(/\s+/g, ' ').trim(), 80);
      summary = `${type} #${String(id)} ${op.type}${op.name === undefined ? '' : ` ${op.name}`}`;
      break;
    }
    case 'result': {
      const errors = type === 'error' ? payload : isRecord(payload) ? payload.errors : undefined;
      if (Array.isArray(errors)) {
        fields.errors = errors.length;
        const first: unknown = errors[0];
        if (isRecord(first) && typeof first.message === 'string')
          fields.errorMessage = first.message;
      } else if (type === 'error' && isRecord(errors) && typeof errors.message === 'string') {
        fields.errors = 1;
        fields.errorMessage = errors.message;
      }
      if (isRecord(payload) && 'data' in payload) fields.data = preview(payload.data);
      summary = `${type} #${String(id)} ${type === 'error' ? String(fields.errorMessage ?? preview(payload, 60)) : preview(payload, 60)}`;
      break;
    }
    case 'end':
      summary = `${type} #${String(id)}`;
      break;
    case 'init-answer':
      if (type === 'connection_error') fields.error = preview(payload);
      break;
    case 'init':
    case 'ping':
    case 'pong':
    case 'other':
      if (payload !== undefined) fields.payload = preview(payload);
      break;
  }
  const message: ProtocolMessage = { protocol: flavor.name, kind: type, index: 0, summary, fields };
  const pair = hint(role, fields.id);
  return [pair === undefined ? { message } : { message, pair }];
}

function hint(role: Role, id: ProtocolFieldValue | undefined): PairHint | undefined {
  const key = String(id);
  switch (role) {
    case 'start':
      return { role: 'request', kind: 'first-result', key };
    case 'result':
      return { role: 'answer', kind: 'first-result', key };
    case 'end':
      return { role: 'end', kind: 'first-result', key };
    case 'init':
      return { role: 'request', kind: 'init', key: '' };
    case 'init-answer':
      return { role: 'answer', kind: 'init', key: '' };
    case 'ping':
      return { role: 'request', kind: 'ping', key: '' };
    case 'pong':
      return { role: 'answer', kind: 'ping', key: '' };
    case 'other':
      return undefined;
  }
}

/** Operation type and name: the given operationName, else the first operation definition. */
export function operationOf(
  query: string,
  operationName: unknown,
): { type: 'query' | 'mutation' | 'subscription'; name?: string } {
  const stripped = query.replace(/#[^\n\r]*/g, '');
  const match = /(?:^|[\s}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/.exec(
    stripped,
  );
  const type = (match?.[1] ?? 'query') as 'query' | 'mutation' | 'subscription';
  const name =
    typeof operationName === 'string' && operationName !== '' ? operationName : match?.[2];
  return name === undefined ? { type } : { type, name };
}

function malformed(flavor: Flavor, code: string, message: string): Dissected {
  return {
    message: {
      protocol: flavor.name,
      kind: 'malformed',
      index: 0,
      summary: `malformed: ${message}`,
      fields: {},
      malformed: { code, message },
    },
  };
}
