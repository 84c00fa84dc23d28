/**
 * SignalR messages in protocol words, whichever encoding carried them: a hub message (in the JSON
 * encoding's object shape; msgpack.ts reads the binary one into it), the handshake, the negotiate
 * answer. Names, summaries, key fields and pairing hints (docs/protocols.md).
 */
import type { Direction } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { isRecord, preview } from '../dissect/text.ts';
import type { Dissected, PairHint } from '../dissect/types.ts';

export const SIGNALR_TYPES: Readonly<Record<number, string>> = {
  1: 'Invocation',
  2: 'StreamItem',
  3: 'Completion',
  4: 'StreamInvocation',
  5: 'CancelInvocation',
  6: 'Ping',
  7: 'Close',
  8: 'Ack',
  9: 'Sequence',
};

/** A hub message (`type` 1–9) as an object of the JSON encoding's shape. */
export function hubMessage(value: Record<string, unknown>, index: number): Dissected {
  const type = typeof value.type === 'number' ? SIGNALR_TYPES[value.type] : undefined;
  if (type === undefined)
    return malformed(index, 'signalr.type', `unknown message type ${preview(value.type, 20)}`);
  const fields: Record<string, ProtocolFieldValue> = {};
  const id = typeof value.invocationId === 'string' ? value.invocationId : undefined;
  if (id !== undefined) fields.invocationId = id;
  if (isRecord(value.headers) && Object.keys(value.headers).length > 0)
    fields.headers = preview(value.headers);
  let summary = type;
  let pair: PairHint | undefined;
  switch (type) {
    case 'Invocation':
    case 'StreamInvocation': {
      if (typeof value.target !== 'string')
        return malformed(index, 'signalr.target', `${type} without a target`);
      fields.target = value.target;
      fields.arguments = preview(value.arguments ?? []);
      if (Array.isArray(value.streamIds)) fields.streamIds = value.streamIds.map(String).join(',');
      summary = `${type} ${value.target}${id === undefined ? '' : ` #${id}`} ${preview(value.arguments ?? [], 60)}`;
      if (id !== undefined) pair = { role: 'request', kind: 'invocation', key: id };
      break;
    }
    case 'StreamItem':
      fields.item = preview(value.item);
      summary = `StreamItem #${id ?? '?'} ${preview(value.item, 60)}`;
      break;
    case 'Completion':
      if (id === undefined)
        return malformed(index, 'signalr.id', 'Completion without an invocationId');
      if (typeof value.error === 'string') fields.error = value.error;
      else if ('result' in value) fields.result = preview(value.result);
      summary = `Completion #${id}${typeof value.error === 'string' ? ` error ${value.error}` : 'result' in value ? ` ${preview(value.result, 60)}` : ''}`;
      pair = { role: 'answer', kind: 'invocation', key: id };
      break;
    case 'CancelInvocation':
      summary = `CancelInvocation #${id ?? '?'}`;
      if (id !== undefined) pair = { role: 'end', kind: 'invocation', key: id };
      break;
    case 'Close':
      if (typeof value.error === 'string') fields.error = value.error;
      if (typeof value.allowReconnect === 'boolean') fields.allowReconnect = value.allowReconnect;
      summary = `Close${typeof value.error === 'string' ? ` ${value.error}` : ''}`;
      break;
    case 'Ack':
    case 'Sequence':
      if (typeof value.sequenceId === 'number') fields.sequenceId = value.sequenceId;
      break;
    case 'Ping':
      break;
  }
  const message = msg(type, index, summary, fields);
  return pair === undefined ? { message } : { message, pair };
}

/** A JSON record without a `type`: the handshake request (toward the server) or its answer. */
export function handshake(
  direction: Direction,
  value: Record<string, unknown>,
  index: number,
): Dissected {
  if (direction === 'out') {
    const fields: Record<string, ProtocolFieldValue> = {};
    if (typeof value.protocol === 'string') fields.protocol = value.protocol;
    if (typeof value.version === 'number') fields.version = value.version;
    return {
      message: msg(
        'HandshakeRequest',
        index,
        `handshake ${String(fields.protocol ?? '?')} v${String(fields.version ?? '?')}`,
        fields,
      ),
      pair: { role: 'request', kind: 'handshake', key: '' },
    };
  }
  const error = typeof value.error === 'string' ? value.error : undefined;
  return {
    message: msg(
      'HandshakeResponse',
      index,
      error === undefined ? 'handshake ok' : `handshake error ${error}`,
      error === undefined ? {} : { error },
    ),
    pair: { role: 'answer', kind: 'handshake', key: '' },
  };
}

/**
 * The answer to `POST …/negotiate`: the connection id, the transports on offer, or a redirect or
 * an error (TransportProtocols.md). The token itself is in the tree, not in a field.
 */
export function negotiateResponse(value: unknown): Dissected {
  if (!isRecord(value))
    return malformed(0, 'signalr.negotiate', 'the negotiate answer is not a JSON object');
  const fields: Record<string, ProtocolFieldValue> = {};
  if (typeof value.connectionId === 'string') fields.connectionId = value.connectionId;
  if (typeof value.negotiateVersion === 'number') fields.negotiateVersion = value.negotiateVersion;
  if (Array.isArray(value.availableTransports)) {
    fields.transports = value.availableTransports
      .map((t) => (isRecord(t) && typeof t.transport === 'string' ? t.transport : '?'))
      .join(',');
  }
  if (typeof value.url === 'string') fields.url = value.url;
  if (typeof value.error === 'string') fields.error = value.error;
  const summary =
    typeof fields.error === 'string'
      ? `negotiate error ${fields.error}`
      : typeof fields.url === 'string'
        ? `negotiate → redirect ${fields.url}`
        : `negotiate ${String(fields.connectionId ?? '?')} → ${String(fields.transports ?? '?')}`;
  return { message: msg('NegotiateResponse', 0, summary, fields) };
}

export function msg(
  kind: string,
  index: number,
  summary: string,
  fields: Record<string, ProtocolFieldValue>,
): ProtocolMessage {
  return { protocol: 'signalr', kind, index, summary, fields };
}

export function malformed(index: number, code: string, message: string): Dissected {
  return {
    message: {
      protocol: 'signalr',
      kind: 'malformed',
      index,
      summary: `malformed: ${message}`,
      fields: {},
      malformed: { code, message },
    },
  };
}
