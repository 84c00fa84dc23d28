/**
 * Socket.IO v4 over Engine.IO v4. On a WebSocket, Engine.IO packets are one per message: a digit
 * type (0 open … 6 noop) then data; binary messages are raw bytes. On the long-polling transport
 * (plain HTTP: GET bodies carry what the server sends, POST bodies what the client sends) one body
 * holds several packets separated by 0x1e, a binary one written `b` + base64. A
 * BINARY_EVENT/BINARY_ACK is followed, same direction, by its attachments as binary packets.
 * https://github.com/socketio/engine.io-protocol · https://github.com/socketio/socket.io-protocol
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction, Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { dataText, isRecord, parseJson, preview } from '../dissect/text.ts';
import type { ConnectionDissector, Dissected, Dissector, PairHint } from '../dissect/types.ts';
import { parseSioPacket, withPlaceholderMarks, type SioPacket } from './socketio-packet.ts';

export const EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;

export const socketIoDissector: Dissector = {
  name: 'socketio',
  subprotocols: [],
  byUrl(url) {
    return /\/socket\.io\/?(\?|$)/.test(url) || /[?&]EIO=4(&|$)/.test(url);
  },
  sniff(entry) {
    const text = dataText(entry);
    return text !== undefined && text.startsWith('0{"sid":');
  },
  create: (connection: Connection) => new SocketIoConnection(connection.kind === 'http'),
};

/** Engine.IO's separator between the packets of one polling body. */
const RECORD_SEPARATOR = '\x1e';

interface PendingBinary {
  headerSeq: number;
  expected: number;
  received: number;
}

class SocketIoConnection implements ConnectionDissector {
  readonly gaveUp = undefined;
  /** Long polling: each body is a payload of several packets. */
  readonly #polling: boolean;
  readonly #pending: Record<Direction, PendingBinary | undefined> = {
    out: undefined,
    in: undefined,
  };

  constructor(polling: boolean) {
    this.#polling = polling;
  }

  /** `feed` on a copy of the state it changes (a field added to that state is copied here too). */
  peek(entry: Entry): Dissected[] {
    const copy = new SocketIoConnection(this.#polling);
    const pending = this.#pending[entry.direction];
    copy.#pending[entry.direction] = pending === undefined ? undefined : { ...pending };
    return copy.feed(entry);
  }

  feed(entry: Entry): Dissected[] {
    if (this.#polling) return this.#payload(entry);
    if (entry.kind === 'binary') return [this.#binary(entry, entry.payloadSize)];
    const text = dataText(entry);
    if (text === undefined) return [];
    return [this.#text(entry, text)];
  }

  /** A polling body: its packets in order, each with its index in the body. */
  #payload(entry: Entry): Dissected[] {
    const text = dataText(entry);
    if (text === undefined) {
      // Engine.IO v4 polling is text; bytes here are not one of its payloads.
      return [malformed('engineio.payload', 'a polling body that is not text')];
    }
    // The server answers a POSTed payload with a bare `ok`: an acknowledgement, not packets.
    if (text === '' || (entry.direction === 'in' && text === 'ok')) return [];
    return text.split(RECORD_SEPARATOR).map((packet, index) => {
      const one = this.#packet(entry, packet);
      one.message.index = index;
      return one;
    });
  }

  #packet(entry: Entry, packet: string): Dissected {
    if (!packet.startsWith('b')) return this.#text(entry, packet);
    const base64 = packet.slice(1);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) {
      return malformed('engineio.base64', 'a binary packet whose base64 is not valid');
    }
    return this.#binary(entry, Buffer.byteLength(base64, 'base64'));
  }

  #binary(entry: Entry, size: number): Dissected {
    const pending = this.#pending[entry.direction];
    if (pending === undefined) {
      return { message: msg('message', `binary ${size} B`, { eio: 'message', size }) };
    }
    const num = pending.received++;
    if (pending.received >= pending.expected) this.#pending[entry.direction] = undefined;
    return {
      message: msg('attachment', `attachment #${num} of ${pending.headerSeq} (${size} B)`, {
        eio: 'message',
        of: pending.headerSeq,
        num,
        size,
      }),
    };
  }

  #text(entry: Entry, text: string): Dissected {
    const eio = EIO_TYPES[text.charCodeAt(0) - 48];
    if (eio === undefined) {
      return malformed('engineio.type', `unknown Engine.IO packet type "${text.charAt(0)}"`);
    }
    // A text packet while attachments are awaited: those never came (socket.io-parser drops
    // the packet too); later binary messages are plain ones again.
    this.#pending[entry.direction] = undefined;
    const data = text.slice(1);
    switch (eio) {
      case 'open': {
        const parsed = parseJson(data);
        if (!parsed.ok || !isRecord(parsed.value) || typeof parsed.value.sid !== 'string') {
          return malformed('engineio.open', 'open packet without a JSON handshake carrying a sid');
        }
        const h = parsed.value;
        const fields: Record<string, ProtocolFieldValue> = { eio, sid: h.sid as string };
        if (typeof h.pingInterval === 'number') fields.pingInterval = h.pingInterval;
        if (typeof h.pingTimeout === 'number') fields.pingTimeout = h.pingTimeout;
        if (typeof h.maxPayload === 'number') fields.maxPayload = h.maxPayload;
        if (Array.isArray(h.upgrades)) fields.upgrades = h.upgrades.join(',');
        return { message: msg('open', `open sid ${h.sid as string}`, fields) };
      }
      case 'ping':
      case 'pong': {
        const fields: Record<string, ProtocolFieldValue> = { eio };
        if (data !== '') fields.data = data;
        const hint: PairHint = {
          role: eio === 'ping' ? 'request' : 'answer',
          kind: 'ping',
          key: data,
        };
        return { message: msg(eio, data === '' ? eio : `${eio} ${data}`, fields), pair: hint };
      }
      case 'close':
      case 'upgrade':
      case 'noop':
        return { message: msg(eio, eio, { eio }) };
      case 'message':
        return this.#socketIo(entry, data);
    }
  }

  #socketIo(entry: Entry, text: string): Dissected {
    const parsed = parseSioPacket(text);
    if (!parsed.ok) return malformed(parsed.code, parsed.reason);
    const p = parsed.packet;
    const fields: Record<string, ProtocolFieldValue> = { eio: 'message', ns: p.nsp };
    if (p.id !== undefined) fields.ackId = p.id;
    if (p.attachments !== undefined) {
      fields.attachments = p.attachments;
      if (p.attachments > 0) {
        this.#pending[entry.direction] = {
          headerSeq: entry.seq,
          expected: p.attachments,
          received: 0,
        };
      }
    }
    const ns = p.nsp === '/' ? '' : `${p.nsp} `;
    const ack = p.id === undefined ? '' : ` #${p.id}`;
    switch (p.type) {
      case 'EVENT':
      case 'BINARY_EVENT': {
        const [name, ...args] = withPlaceholderMarks(p.data) as unknown[];
        fields.event = String(name);
        fields.args = preview(args);
        const message = msg(
          p.type,
          `${p.type} ${ns}${String(name)}${ack} ${preview(args, 80)}`,
          fields,
        );
        return p.id === undefined ? { message } : { message, pair: ackHint('request', p) };
      }
      case 'ACK':
      case 'BINARY_ACK': {
        fields.args = preview(withPlaceholderMarks(p.data));
        const message = msg(
          p.type,
          `${p.type} ${ns}${ack.trim()} ${preview(withPlaceholderMarks(p.data), 80)}`,
          fields,
        );
        return { message, pair: ackHint('answer', p) };
      }
      case 'CONNECT': {
        if (p.data !== undefined) fields.auth = preview(p.data);
        const sid = isRecord(p.data) && typeof p.data.sid === 'string' ? p.data.sid : undefined;
        if (sid !== undefined) fields.sid = sid;
        // The client's CONNECT carries auth (or nothing); the server's answer carries the sid.
        const role = entry.direction === 'out' ? 'request' : 'answer';
        return {
          message: msg(
            'CONNECT',
            `CONNECT ${p.nsp}${sid === undefined ? '' : ` sid ${sid}`}`,
            fields,
          ),
          pair: { role, kind: 'connect', key: p.nsp },
        };
      }
      case 'CONNECT_ERROR': {
        const reason =
          isRecord(p.data) && typeof p.data.message === 'string' ? p.data.message : p.data;
        const error = typeof reason === 'string' ? reason : preview(reason);
        fields.error = error;
        return {
          message: msg('CONNECT_ERROR', `CONNECT_ERROR ${p.nsp} ${error}`, fields),
          pair: { role: 'answer', kind: 'connect', key: p.nsp },
        };
      }
      case 'DISCONNECT':
        return { message: msg('DISCONNECT', `DISCONNECT ${p.nsp}`, fields) };
    }
  }
}

function ackHint(role: 'request' | 'answer', p: SioPacket): PairHint {
  return { role, kind: 'ack', key: `${p.nsp}#${String(p.id)}` };
}

function msg(
  kind: string,
  summary: string,
  fields: Record<string, ProtocolFieldValue>,
): ProtocolMessage {
  return { protocol: 'socketio', kind, index: 0, summary, fields };
}

function malformed(code: string, message: string): Dissected {
  return {
    message: {
      protocol: 'socketio',
      kind: 'malformed',
      index: 0,
      summary: `malformed: ${message}`,
      fields: {},
      malformed: { code, message },
    },
  };
}
