/**
 * Where one SignalR record ends. The JSON encoding ends each record with 0x1e; the MessagePack
 * encoding prefixes each with its length as a VarInt (7 bits a byte, least significant first, at
 * most 5 bytes, at most 2^31 - 1); the handshake is JSON in both. Which one a record is follows
 * from its first bytes: a text message holds JSON only; in bytes, `{` starts a JSON record unless
 * the next byte is a msgpack array head (a 123-byte msgpack message starts with 0x7b too, and
 * every hub message is an array). Pure: the dissector and the detail tree walk entries with it.
 */
import { MAX_PENDING_BYTES } from '../dissect/bytes.ts';

export const RS = 0x1e;

export type RecordStep =
  | { kind: 'json' | 'msgpack'; body: Uint8Array; size: number }
  /** The record is not complete yet. */
  | { kind: 'more' }
  /** No record can be read from here on: drop `size` bytes (all of them). */
  | { kind: 'error'; code: string; message: string; size: number };

/** 0x90–0x9f fixarray, 0xdc array 16, 0xdd array 32. */
function isArrayHead(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x90 && byte <= 0x9f) || byte === 0xdc || byte === 0xdd);
}

export function isJsonStart(bytes: Uint8Array, text: boolean): boolean {
  return text || (bytes[0] === 0x7b && !isArrayHead(bytes[1]));
}

/** The next record at the start of `bytes`; `text` when those bytes came in a text message. */
export function nextRecord(bytes: Uint8Array, text: boolean): RecordStep {
  if (bytes.length === 0) return { kind: 'more' };
  if (isJsonStart(bytes, text)) {
    const end = bytes.indexOf(RS);
    if (end < 0) return { kind: 'more' };
    return { kind: 'json', body: bytes.subarray(0, end), size: end + 1 };
  }
  let length = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[i];
    if (byte === undefined) return { kind: 'more' };
    length += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (length > 0x7fffffff) break;
      if (length > MAX_PENDING_BYTES) {
        return {
          kind: 'error',
          code: 'signalr.too-large',
          message: `a MessagePack message of ${length} bytes (more than ${MAX_PENDING_BYTES})`,
          size: bytes.length,
        };
      }
      const start = i + 1;
      if (bytes.length < start + length) return { kind: 'more' };
      return { kind: 'msgpack', body: bytes.subarray(start, start + length), size: start + length };
    }
  }
  return {
    kind: 'error',
    code: 'signalr.length',
    message: 'a MessagePack length prefix longer than 5 bytes or above 2^31 - 1',
    size: bytes.length,
  };
}
