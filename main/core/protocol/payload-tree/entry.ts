/**
 * The payload tree of a recorded entry: binary messages and bodies only (msgpack and CBOR are
 * never valid UTF-8 where they start with a map or an array, so a text entry is never one), with
 * the format the exchange names tried first: a `Content-Type` such as `application/cbor` or
 * `application/msgpack` on that side of an HTTP exchange, or a WebSocket subprotocol naming it.
 */
import type { PayloadTree, PayloadTreeFormat } from '../../../../shared/api.ts';
import type { Connection, HeaderList } from '../../../../shared/model/connection.ts';
import type { Entry } from '../../../../shared/model/entry.ts';
import { payloadTree } from './decode.ts';

export function entryPayloadTree(entry: Entry, connection?: Connection): PayloadTree | undefined {
  if (entry.kind !== 'binary' || typeof entry.payload === 'string') return undefined;
  const hint = connection === undefined ? undefined : formatHint(connection, entry.direction);
  return payloadTree(entry.payload, hint === undefined ? {} : { hint });
}

function formatHint(
  connection: Connection,
  direction: Entry['direction'],
): PayloadTreeFormat | undefined {
  const headers: HeaderList =
    direction === 'out' ? connection.requestHeaders : (connection.response?.headers ?? []);
  const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return formatNamed(type) ?? formatNamed(connection.protocol);
}

function formatNamed(name: string | undefined): PayloadTreeFormat | undefined {
  if (name === undefined) return undefined;
  if (/cbor/i.test(name)) return 'cbor';
  if (/msgpack|messagepack/i.test(name)) return 'msgpack';
  return undefined;
}
