/**
 * JSON-RPC 2.0 (https://www.jsonrpc.org/specification): single messages and batches, over
 * WebSocket text messages, SSE events and plain HTTP bodies (the request's body `out`, the
 * response's `in`). Requests pair with their response by id, the answer coming the other way;
 * notifications expect none.
 *
 * MCP rides on it: Streamable HTTP (POSTs answered with JSON or an event stream, a GET stream for
 * the server's own messages, all under one `Mcp-Session-Id`) and the older HTTP+SSE transport (a
 * GET stream whose first `endpoint` event names the URL the client POSTs to, answers coming back
 * as `message` events). The channel (see dissect/select.ts) joins a session's connections, so a
 * request on one is paired with its answer on another.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import type { ConnectionDissector, Dissected, Dissector } from '../dissect/types.ts';
import { dataText, idField, idKey, isRecord, parseJson, preview } from '../dissect/text.ts';

/** Stable codes of malformed JSON-RPC messages. */
export const JSONRPC_MALFORMED = {
  notJson: 'jsonrpc.not-json',
  emptyBatch: 'jsonrpc.empty-batch',
  notObject: 'jsonrpc.not-object',
  version: 'jsonrpc.version',
  badMethod: 'jsonrpc.bad-method',
  badId: 'jsonrpc.bad-id',
  resultAndError: 'jsonrpc.result-and-error',
  badError: 'jsonrpc.bad-error',
  shape: 'jsonrpc.shape',
} as const;

export const jsonRpcDissector: Dissector = {
  name: 'jsonrpc',
  subprotocols: ['jsonrpc', 'jsonrpc2', 'json-rpc', 'mcp'],
  byUrl: () => false,
  sniff(entry) {
    if (isEndpointEvent(entry)) return true;
    const text = dataText(entry);
    // Cheap test first: only payloads naming the version are parsed.
    if (text === undefined || !text.includes('"jsonrpc"')) return false;
    const parsed = parseJson(text);
    if (!parsed.ok) return false;
    const first: unknown = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
    return isRecord(first) && first.jsonrpc === '2.0';
  },
  create: (created: Connection): ConnectionDissector => {
    // An HTTP answer's status decides whether a non-JSON body is a message (see below).
    let connection = created;
    return {
      gaveUp: undefined,
      feed: (entry) => dissectJsonRpc(entry, connection),
      connectionChanged: (now) => {
        connection = now;
      },
    };
  },
};

/** MCP's HTTP+SSE transport: the stream's `endpoint` event names where to POST. */
function isEndpointEvent(entry: Entry): boolean {
  return (
    entry.kind === 'event' &&
    entry.sse?.event === 'endpoint' &&
    typeof entry.payload === 'string' &&
    /^\S+$/.test(entry.payload.trim())
  );
}

/** `connection`: the plain HTTP exchange an `in` body answers (its status), when there is one. */
export function dissectJsonRpc(entry: Entry, connection?: Connection): Dissected[] {
  if (isEndpointEvent(entry)) return [endpoint(entry.payload as string)];
  const text = dataText(entry);
  if (text === undefined) return [];
  const parsed = parseJson(text);
  if (!parsed.ok) {
    // "Accepted" and the like: an HTTP answer that only acknowledges (202 to a notification or
    // a response posted by the client, MCP's HTTP+SSE POSTs) carries no JSON-RPC message.
    const status = connection?.response?.status;
    if (
      entry.direction === 'in' &&
      connection?.kind === 'http' &&
      (status === 202 || status === 204)
    ) {
      return [];
    }
    return [{ message: malformed(0, JSONRPC_MALFORMED.notJson, parsed.message) }];
  }
  const value = parsed.value;
  if (!Array.isArray(value)) return [one(value, 0, undefined)];
  if (value.length === 0) {
    return [{ message: malformed(0, JSONRPC_MALFORMED.emptyBatch, 'a batch must not be empty') }];
  }
  return value.map((item, i) => one(item, i, value.length));
}

function one(value: unknown, index: number, batch: number | undefined): Dissected {
  if (!isRecord(value)) {
    return { message: malformed(index, JSONRPC_MALFORMED.notObject, 'not a JSON object', batch) };
  }
  if (value.jsonrpc !== '2.0') {
    return {
      message: malformed(
        index,
        JSONRPC_MALFORMED.version,
        `"jsonrpc" must be "2.0", got ${preview(value.jsonrpc, 40)}`,
        batch,
      ),
    };
  }
  const hasId = 'id' in value;
  const id = value.id;
  if (hasId && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return {
      message: malformed(index, JSONRPC_MALFORMED.badId, `bad id ${preview(id, 40)}`, batch),
    };
  }
  if ('method' in value) {
    const method = value.method;
    if (typeof method !== 'string') {
      return {
        message: malformed(index, JSONRPC_MALFORMED.badMethod, 'method is not a string', batch),
      };
    }
    const fields: Record<string, ProtocolFieldValue> = { method };
    if (batch !== undefined) fields.batch = batch;
    if ('params' in value) fields.params = preview(value.params);
    const subject = mcpSubject(method, value.params);
    if (subject !== undefined) fields[subject.field] = subject.value;
    const named = subject === undefined ? method : `${method} ${subject.value}`;
    if (!hasId) {
      return { message: msg('notification', index, `notify ${named}`, fields) };
    }
    fields.id = idField(id);
    return {
      message: msg('request', index, `→ ${named} #${idKey(id)}`, fields),
      pair: { role: 'request', kind: 'call', key: idKey(id) },
    };
  }
  const hasResult = 'result' in value;
  const hasError = 'error' in value;
  if (hasResult && hasError) {
    return {
      message: malformed(
        index,
        JSONRPC_MALFORMED.resultAndError,
        'a response has result or error, not both',
        batch,
      ),
    };
  }
  if (!hasId || (!hasResult && !hasError)) {
    return {
      message: malformed(
        index,
        JSONRPC_MALFORMED.shape,
        'neither a request (method) nor a response (id with result or error)',
        batch,
      ),
    };
  }
  const fields: Record<string, ProtocolFieldValue> = { id: idField(id) };
  if (batch !== undefined) fields.batch = batch;
  const pair =
    id === null ? undefined : ({ role: 'answer', kind: 'call', key: idKey(id) } as const);
  if (hasResult) {
    fields.result = preview(value.result);
    const message = msg('response', index, `← #${idKey(id)} ${preview(value.result, 60)}`, fields);
    return pair === undefined ? { message } : { message, pair };
  }
  const error = value.error;
  if (!isRecord(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
    return {
      message: malformed(
        index,
        JSONRPC_MALFORMED.badError,
        'error must be an object with a numeric code and a message',
        batch,
      ),
      ...(pair === undefined ? {} : { pair }),
    };
  }
  fields.errorCode = error.code;
  fields.errorMessage = error.message;
  if ('data' in error) fields.errorData = preview(error.data);
  const message = msg(
    'error',
    index,
    `← #${idKey(id)} error ${error.code} ${error.message}`,
    fields,
  );
  return pair === undefined ? { message } : { message, pair };
}

/**
 * What an MCP call is about (the tool, resource or prompt), so a list of calls reads
 * `tools/call search` rather than a row of identical methods.
 */
function mcpSubject(method: string, params: unknown): { field: string; value: string } | undefined {
  if (!isRecord(params)) return undefined;
  const pick = (field: string, key: string): { field: string; value: string } | undefined => {
    const value = params[key];
    return typeof value === 'string' ? { field, value: value.slice(0, 200) } : undefined;
  };
  switch (method) {
    case 'tools/call':
      return pick('tool', 'name');
    case 'prompts/get':
      return pick('prompt', 'name');
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
    case 'notifications/resources/updated':
      return pick('resource', 'uri');
    default:
      return undefined;
  }
}

function endpoint(url: string): Dissected {
  const trimmed = url.trim();
  const fields: Record<string, ProtocolFieldValue> = { endpoint: trimmed };
  const query = trimmed.indexOf('?');
  const sessionId =
    query < 0 ? null : new URLSearchParams(trimmed.slice(query + 1)).get('sessionId');
  if (sessionId !== null) fields.sessionId = sessionId;
  return { message: msg('endpoint', 0, `endpoint ${trimmed}`, fields) };
}

function msg(
  kind: string,
  index: number,
  summary: string,
  fields: Record<string, ProtocolFieldValue>,
): ProtocolMessage {
  return { protocol: 'jsonrpc', kind, index, summary, fields };
}

function malformed(index: number, code: string, message: string, batch?: number): ProtocolMessage {
  return {
    protocol: 'jsonrpc',
    kind: 'malformed',
    index,
    summary: `malformed: ${message}`,
    fields: batch === undefined ? {} : { batch },
    malformed: { code, message },
  };
}
