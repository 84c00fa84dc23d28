/**
 * STOMP over WebSocket. Frames are parsed from a per-direction byte stream, so a frame split
 * over several messages, or several frames in one, come out the same; each frame is annotated
 * on the entry that completes it.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction, Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { dataBytes, MAX_PENDING_BYTES, PendingBytes, utf8 } from '../dissect/bytes.ts';
import { dataText, PREVIEW_CHARS } from '../dissect/text.ts';
import type { ConnectionDissector, Dissected, Dissector, PairHint } from '../dissect/types.ts';
import { CLIENT_COMMANDS, parseStompFrame, type StompFrame } from './stomp-frame.ts';

export const stompDissector: Dissector = {
  name: 'stomp',
  subprotocols: ['v10.stomp', 'v11.stomp', 'v12.stomp', 'stomp'],
  byUrl: () => false,
  sniff(entry) {
    const text = dataText(entry);
    return text !== undefined && /^(CONNECT|STOMP)\r?\n/.test(text);
  },
  create: (_connection: Connection) => new StompConnection(),
};

/** Client frames that may ask for a receipt. */
const ASKS_RECEIPT: ReadonlySet<string> = new Set(
  CLIENT_COMMANDS.filter((c) => c !== 'CONNECT' && c !== 'STOMP'),
);

/** Header fields copied into `fields` under these names. */
const HEADER_FIELDS: readonly [string, string][] = [
  ['destination', 'dest'],
  ['id', 'id'],
  ['subscription', 'subscription'],
  ['message-id', 'messageId'],
  ['receipt', 'receipt'],
  ['receipt-id', 'receiptId'],
  ['transaction', 'transaction'],
  ['ack', 'ack'],
  ['content-type', 'contentType'],
  ['content-length', 'contentLength'],
  ['accept-version', 'acceptVersion'],
  ['version', 'version'],
  ['host', 'host'],
  ['heart-beat', 'heartBeat'],
  ['message', 'message'],
];

class StompConnection implements ConnectionDissector {
  readonly gaveUp = undefined;
  /** Subscriptions whose messages the client acknowledges (ack: client / client-individual). */
  readonly #acked = new Set<string>();
  readonly #pending: Record<Direction, PendingBytes> = {
    out: new PendingBytes(),
    in: new PendingBytes(),
  };

  /** `feed` on a copy of the state it changes (a field added to that state is copied here too). */
  peek(entry: Entry): Dissected[] {
    const copy = new StompConnection();
    for (const id of this.#acked) copy.#acked.add(id);
    // PendingBytes never writes into the array it holds: sharing it is safe.
    copy.#pending[entry.direction].push(this.#pending[entry.direction].bytes);
    return copy.feed(entry);
  }

  feed(entry: Entry): Dissected[] {
    const bytes = dataBytes(entry);
    if (bytes === undefined) return [];
    const pending = this.#pending[entry.direction];
    pending.push(bytes);
    const out: Dissected[] = [];
    for (;;) {
      const parsed = parseStompFrame(pending.bytes);
      if (parsed.type === 'incomplete') break;
      pending.consume(parsed.length);
      const index = out.length;
      if (parsed.type === 'heartbeat') {
        out.push({ message: msg('heartbeat', index, 'heart-beat', {}) });
      } else if (parsed.type === 'malformed') {
        out.push({
          message: {
            protocol: 'stomp',
            kind: 'malformed',
            index,
            summary: `malformed: ${parsed.reason}`,
            fields: {},
            malformed: { code: parsed.code, message: parsed.reason },
          },
        });
      } else {
        out.push(this.#frame(parsed.frame, index));
      }
    }
    if (pending.length > MAX_PENDING_BYTES) {
      pending.clear();
      out.push({
        message: {
          protocol: 'stomp',
          kind: 'malformed',
          index: out.length,
          summary: 'malformed: frame never ends',
          fields: {},
          malformed: {
            code: 'stomp.too-large',
            message: `no frame end within ${MAX_PENDING_BYTES} bytes`,
          },
        },
      });
    }
    return out;
  }

  #frame(frame: StompFrame, index: number): Dissected {
    const h = frame.headers;
    const id = h.get('id');
    if (frame.command === 'SUBSCRIBE' && id !== undefined) {
      const mode = h.get('ack') ?? 'auto';
      if (mode === 'client' || mode === 'client-individual') this.#acked.add(id);
      else this.#acked.delete(id);
    }
    return dissectFrame(frame, index, (sub) => sub !== undefined && this.#acked.has(sub));
  }
}

function dissectFrame(
  frame: StompFrame,
  index: number,
  acked: (subscription: string | undefined) => boolean,
): Dissected {
  const fields: Record<string, ProtocolFieldValue> = { command: frame.command };
  for (const [header, field] of HEADER_FIELDS) {
    const value = frame.headers.get(header);
    if (value !== undefined) fields[field] = value;
  }
  fields.bodySize = frame.body.length;
  if (frame.body.length > 0) {
    const body = utf8.decode(frame.body.subarray(0, PREVIEW_CHARS * 4));
    fields.body = body.length > PREVIEW_CHARS ? `${body.slice(0, PREVIEW_CHARS)}…` : body;
  }
  const dest = frame.headers.get('destination');
  const summary = [
    frame.command,
    dest,
    frame.headers.get('receipt-id') ?? frame.headers.get('message'),
    typeof fields.body === 'string' && frame.command !== 'CONNECT'
      ? JSON.stringify(fields.body.slice(0, 60))
      : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(' ');
  const message = msg(frame.command, index, summary, fields);
  const hints = hintsOf(frame, acked);
  return hints.length === 0 ? { message } : { message, pair: hints };
}

function hintsOf(
  frame: StompFrame,
  acked: (subscription: string | undefined) => boolean,
): PairHint[] {
  const h = frame.headers;
  const hints: PairHint[] = [];
  const receipt = h.get('receipt');
  switch (frame.command) {
    case 'CONNECT':
    case 'STOMP':
      hints.push({ role: 'request', kind: 'connect', key: '' });
      break;
    case 'CONNECTED':
      hints.push({ role: 'answer', kind: 'connect', key: '' });
      break;
    case 'ERROR':
      // An ERROR answers the frame whose receipt it names, else a pending CONNECT.
      hints.push(
        h.has('receipt-id')
          ? { role: 'answer', kind: 'receipt', key: h.get('receipt-id') ?? '' }
          : { role: 'answer', kind: 'connect', key: '' },
      );
      break;
    case 'RECEIPT':
      hints.push({ role: 'answer', kind: 'receipt', key: h.get('receipt-id') ?? '' });
      break;
    case 'MESSAGE': {
      // Only client-acknowledged subscriptions expect an ACK: 1.2 names it by the `ack` header,
      // 1.0/1.1 by message-id.
      const key = h.get('ack') ?? (acked(h.get('subscription')) ? h.get('message-id') : undefined);
      if (key !== undefined) hints.push({ role: 'request', kind: 'ack', key });
      break;
    }
    case 'ACK':
    case 'NACK': {
      const key = h.get('id') ?? h.get('message-id');
      if (key !== undefined) hints.push({ role: 'answer', kind: 'ack', key });
      break;
    }
  }
  // Only a client frame asks for a receipt (spec: any client frame but CONNECT). Brokers copy a
  // SEND's headers into the MESSAGE they deliver (RabbitMQ does), `receipt` included: that
  // copy asks nothing.
  if (receipt !== undefined && ASKS_RECEIPT.has(frame.command)) {
    hints.unshift({ role: 'request', kind: 'receipt', key: receipt });
  }
  return hints;
}

function msg(
  kind: string,
  index: number,
  summary: string,
  fields: Record<string, ProtocolFieldValue>,
): ProtocolMessage {
  return { protocol: 'stomp', kind, index, summary, fields };
}
