/**
 * ASP.NET Core SignalR hub protocol, JSON encoding, on a WebSocket
 * (https://github.com/dotnet/aspnetcore/blob/main/src/SignalR/docs/specs/HubProtocol.md).
 * Records end with 0x1e and may be split over, or share, WebSocket messages; the first record each
 * way is the handshake. MessagePack (binary) records are recognised but not decoded yet.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction, Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { MAX_PENDING_BYTES } from '../dissect/bytes.ts';
import { dataText, isRecord, parseJson, preview } from '../dissect/text.ts';
import type { ConnectionDissector, Dissected, Dissector, PairHint } from '../dissect/types.ts';

const RS = '\u001e';

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

export const signalRDissector: Dissector = {
  name: 'signalr',
  subprotocols: [],
  byUrl: () => false,
  sniff(entry) {
    const text = dataText(entry);
    return (
      text !== undefined &&
      /^\{\s*"protocol"\s*:\s*"(json|messagepack)"/.test(text) &&
      text.includes(RS)
    );
  },
  create: (_connection: Connection) => new SignalRConnection(),
};

class SignalRConnection implements ConnectionDissector {
  readonly gaveUp = undefined;
  readonly #pending: Record<Direction, string> = { out: '', in: '' };
  readonly #handshaken: Record<Direction, boolean> = { out: false, in: false };

  /** `feed` on a copy of the state it changes (a field added to that state is copied here too). */
  peek(entry: Entry): Dissected[] {
    const copy = new SignalRConnection();
    copy.#pending[entry.direction] = this.#pending[entry.direction];
    copy.#handshaken[entry.direction] = this.#handshaken[entry.direction];
    return copy.feed(entry);
  }

  feed(entry: Entry): Dissected[] {
    if (entry.kind === 'binary' && this.#handshaken[entry.direction]) {
      return [
        {
          message: msg('MessagePack', 0, `MessagePack ${entry.payloadSize} B (not decoded)`, {
            size: entry.payloadSize,
          }),
        },
      ];
    }
    const text =
      dataText(entry) ??
      (entry.kind === 'binary' ? new TextDecoder().decode(entry.payload as Uint8Array) : undefined);
    if (text === undefined) return [];
    let pending = this.#pending[entry.direction] + text;
    const out: Dissected[] = [];
    for (let end = pending.indexOf(RS); end >= 0; end = pending.indexOf(RS)) {
      const record = pending.slice(0, end);
      pending = pending.slice(end + 1);
      out.push(this.#record(entry.direction, record, out.length));
    }
    if (pending.length > MAX_PENDING_BYTES) {
      pending = '';
      out.push(
        malformed(
          out.length,
          'signalr.too-large',
          `no record separator within ${MAX_PENDING_BYTES} characters`,
        ),
      );
    }
    this.#pending[entry.direction] = pending;
    return out;
  }

  #record(direction: Direction, text: string, index: number): Dissected {
    const parsed = parseJson(text);
    if (!parsed.ok) return malformed(index, 'signalr.not-json', parsed.message);
    const value = parsed.value;
    if (!isRecord(value))
      return malformed(index, 'signalr.not-object', 'a record must be a JSON object');
    if (!this.#handshaken[direction]) {
      this.#handshaken[direction] = true;
      return handshake(direction, value, index);
    }
    const type = typeof value.type === 'number' ? SIGNALR_TYPES[value.type] : undefined;
    if (type === undefined)
      return malformed(index, 'signalr.type', `unknown message type ${preview(value.type, 20)}`);
    const fields: Record<string, ProtocolFieldValue> = {};
    const id = typeof value.invocationId === 'string' ? value.invocationId : undefined;
    if (id !== undefined) fields.invocationId = id;
    let summary = type;
    let pair: PairHint | undefined;
    switch (type) {
      case 'Invocation':
      case 'StreamInvocation': {
        if (typeof value.target !== 'string')
          return malformed(index, 'signalr.target', `${type} without a target`);
        fields.target = value.target;
        fields.arguments = preview(value.arguments ?? []);
        if (Array.isArray(value.streamIds))
          fields.streamIds = value.streamIds.map(String).join(',');
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
}

function handshake(direction: Direction, value: Record<string, unknown>, index: number): Dissected {
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

function msg(
  kind: string,
  index: number,
  summary: string,
  fields: Record<string, ProtocolFieldValue>,
): ProtocolMessage {
  return { protocol: 'signalr', kind, index, summary, fields };
}

function malformed(index: number, code: string, message: string): Dissected {
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
