/**
 * ASP.NET Core SignalR hub protocol
 * (https://github.com/dotnet/aspnetcore/blob/main/src/SignalR/docs/specs/HubProtocol.md), both
 * encodings — JSON (records ending in 0x1e) and MessagePack (VarInt length-prefixed arrays) — on
 * every transport (TransportProtocols.md):
 * - WebSocket: records may be split over, or share, messages; the first JSON record each way
 *   without a `type` is the handshake (JSON in both encodings);
 * - Server-Sent Events: each event's data holds records from the server; the client's records go
 *   up as HTTP POSTs to the same URL (`?id=<token>`);
 * - long polling: each `GET ?id=` answer's body holds the server's records, POSTs the client's.
 * An HTTP body is one entry holding whole records, and each request is its own connection: there
 * any JSON record without a `type` is a handshake, and a body that ends inside a record is
 * malformed. The channel (the token in `?id=`) groups them, so an invocation POSTed pairs with
 * its completion on the event stream or a poll. The `negotiate` answer is named too.
 */
import type { Connection, ConnectionKind } from '../../../../shared/model/connection.ts';
import type { Direction, Entry } from '../../../../shared/model/entry.ts';
import { dataBytes, MAX_PENDING_BYTES, PendingBytes, utf8 } from '../dissect/bytes.ts';
import { dataText, isRecord, parseJson } from '../dissect/text.ts';
import type { ConnectionDissector, Dissected, Dissector } from '../dissect/types.ts';
import { PREVIEW_TREE_LIMITS } from '../payload-tree/tree.ts';
import { nextRecord, RS } from './framing.ts';
import { handshake, hubMessage, malformed, negotiateResponse, SIGNALR_TYPES } from './messages.ts';
import { readMsgpackMessage } from './msgpack.ts';

export { SIGNALR_TYPES };

/** `POST [endpoint-base]/negotiate?negotiateVersion=1`: the start of every SignalR session. */
export function isNegotiateUrl(url: string): boolean {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return /\/negotiate\/?$/.test(path) && query >= 0 && /[?&]negotiateVersion=/.test(url);
}

export const signalRDissector: Dissector = {
  name: 'signalr',
  subprotocols: [],
  byUrl: isNegotiateUrl,
  sniff(entry) {
    // A text record ending in 0x1e: the handshake, its answer, or a hub message.
    const text = dataText(entry);
    if (text === undefined) return false;
    const end = text.indexOf(String.fromCharCode(RS));
    if (end <= 0) return false;
    const parsed = parseJson(text.slice(0, end));
    if (!parsed.ok || !isRecord(parsed.value)) return false;
    const value = parsed.value;
    if (typeof value.protocol === 'string')
      return value.protocol === 'json' || value.protocol === 'messagepack';
    if (typeof value.type === 'number') return SIGNALR_TYPES[value.type] !== undefined;
    return Object.keys(value).every((key) => key === 'error');
  },
  create: (connection: Connection) => new SignalRConnection(connection.kind, connection.url),
};

class SignalRConnection implements ConnectionDissector {
  readonly gaveUp = undefined;
  /** Plain HTTP: each entry is one whole body. */
  readonly #whole: boolean;
  /** A WebSocket: the handshake is the first record each way. */
  readonly #ws: boolean;
  readonly #negotiate: boolean;
  readonly #pending: Record<Direction, PendingBytes> = {
    out: new PendingBytes(),
    in: new PendingBytes(),
  };
  /** The pending record began in a text message (so it is JSON, whatever its first byte). */
  readonly #text: Record<Direction, boolean> = { out: false, in: false };
  readonly #handshaken: Record<Direction, boolean> = { out: false, in: false };

  readonly #kind: ConnectionKind;
  readonly #url: string;

  constructor(kind: ConnectionKind, url: string) {
    this.#kind = kind;
    this.#url = url;
    this.#whole = kind === 'http';
    this.#ws = kind === 'ws';
    this.#negotiate = kind === 'http' && isNegotiateUrl(url);
  }

  peek(entry: Entry): Dissected[] {
    // A copy: pending bytes are never changed in place, so sharing them is safe.
    const copy = new SignalRConnection(this.#kind, this.#url);
    for (const direction of ['out', 'in'] as const) {
      copy.#pending[direction].push(this.#pending[direction].bytes);
      copy.#text[direction] = this.#text[direction];
      copy.#handshaken[direction] = this.#handshaken[direction];
    }
    return copy.feed(entry);
  }

  feed(entry: Entry): Dissected[] {
    const bytes = dataBytes(entry);
    if (bytes === undefined) return [];
    if (this.#negotiate) {
      if (entry.direction === 'out') return [];
      const parsed = parseJson(utf8.decode(bytes));
      return [
        parsed.ok
          ? negotiateResponse(parsed.value)
          : malformed(0, 'signalr.negotiate', parsed.message),
      ];
    }
    const direction = entry.direction;
    const pending = this.#pending[direction];
    const text = entry.kind !== 'binary';
    if (pending.length === 0) this.#text[direction] = text;
    pending.push(bytes);
    const out: Dissected[] = [];
    while (pending.length > 0) {
      const step = nextRecord(pending.bytes, this.#text[direction]);
      if (step.kind === 'more') break;
      pending.consume(step.size);
      // Records after the first start in this entry.
      this.#text[direction] = text;
      if (step.kind === 'error') {
        out.push(malformed(out.length, step.code, step.message));
        continue;
      }
      out.push(
        step.kind === 'json'
          ? this.#json(direction, step.body, out.length)
          : msgpackMessage(step.body, out.length),
      );
    }
    if (pending.length > MAX_PENDING_BYTES) {
      pending.clear();
      out.push(
        malformed(
          out.length,
          'signalr.too-large',
          `no whole record within ${MAX_PENDING_BYTES} bytes`,
        ),
      );
    } else if (this.#whole && pending.length > 0) {
      const cut = entry.notes?.some((note) => note.code === 'body-truncated') === true;
      out.push(
        malformed(
          out.length,
          'signalr.truncated',
          `the body ends inside a record (${pending.length} bytes left${cut ? ': the body was truncated' : ''})`,
        ),
      );
      pending.clear();
    }
    return out;
  }

  #json(direction: Direction, body: Uint8Array, index: number): Dissected {
    const parsed = parseJson(utf8.decode(body));
    if (!parsed.ok) return malformed(index, 'signalr.not-json', parsed.message);
    const value = parsed.value;
    if (!isRecord(value))
      return malformed(index, 'signalr.not-object', 'a record must be a JSON object');
    const first = !this.#handshaken[direction];
    this.#handshaken[direction] = true;
    if (!('type' in value) && (first || !this.#ws)) return handshake(direction, value, index);
    return hubMessage(value, index);
  }
}

function msgpackMessage(body: Uint8Array, index: number): Dissected {
  const read = readMsgpackMessage(body, PREVIEW_TREE_LIMITS);
  return read.ok ? hubMessage(read.value, index) : malformed(index, read.code, read.message);
}
