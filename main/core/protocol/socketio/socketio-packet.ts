/**
 * Socket.IO v5 protocol packets (the wire format of Socket.IO v3/v4), as socket.io-parser
 * writes them: `<type>[<attachments>-][<namespace>,][<ack id>][<JSON>]`.
 * https://github.com/socketio/socket.io-protocol#packet-encoding
 */
import { isRecord, parseJson } from '../dissect/text.ts';

export const SIO_TYPES = [
  'CONNECT',
  'DISCONNECT',
  'EVENT',
  'ACK',
  'CONNECT_ERROR',
  'BINARY_EVENT',
  'BINARY_ACK',
] as const;

export type SioType = (typeof SIO_TYPES)[number];

export interface SioPacket {
  type: SioType;
  nsp: string;
  id?: number;
  attachments?: number;
  data?: unknown;
}

export type SioParse =
  { ok: true; packet: SioPacket } | { ok: false; code: string; reason: string };

function fail(code: string, reason: string): SioParse {
  return { ok: false, code, reason };
}

export function parseSioPacket(text: string): SioParse {
  const type = SIO_TYPES[text.charCodeAt(0) - 48];
  if (type === undefined) return fail('socketio.type', `unknown packet type "${text.charAt(0)}"`);
  let i = 1;
  let attachments: number | undefined;
  if (type === 'BINARY_EVENT' || type === 'BINARY_ACK') {
    const dash = text.indexOf('-', i);
    const count = dash < 0 ? '' : text.slice(i, dash);
    if (!/^\d{1,6}$/.test(count)) {
      return fail('socketio.attachments', 'binary packet without "<count>-" attachments');
    }
    attachments = Number(count);
    i = dash + 1;
  }
  let nsp = '/';
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    const end = comma < 0 ? text.length : comma;
    nsp = text.slice(i, end);
    i = comma < 0 ? end : end + 1;
  }
  let digits = i;
  while (digits < text.length && text.charCodeAt(digits) >= 48 && text.charCodeAt(digits) <= 57) {
    digits++;
  }
  let id: number | undefined;
  if (digits > i) {
    if (digits - i > 15) return fail('socketio.ack-id', 'ack id too long');
    id = Number(text.slice(i, digits));
    i = digits;
  }
  const packet: SioPacket = { type, nsp };
  if (id !== undefined) packet.id = id;
  if (attachments !== undefined) packet.attachments = attachments;
  if (i < text.length) {
    const parsed = parseJson(text.slice(i));
    if (!parsed.ok) return fail('socketio.json', `payload is not JSON: ${parsed.message}`);
    packet.data = parsed.value;
  }
  const invalid = payloadProblem(packet);
  return invalid === undefined ? { ok: true, packet } : fail('socketio.payload', invalid);
}

/** Mirrors socket.io-parser's isPayloadValid. */
function payloadProblem(p: SioPacket): string | undefined {
  switch (p.type) {
    case 'CONNECT':
      return p.data === undefined || isRecord(p.data)
        ? undefined
        : 'CONNECT data must be an object';
    case 'DISCONNECT':
      return p.data === undefined ? undefined : 'DISCONNECT carries no data';
    case 'CONNECT_ERROR':
      return typeof p.data === 'string' || isRecord(p.data)
        ? undefined
        : 'CONNECT_ERROR data must be an object or a string';
    case 'EVENT':
    case 'BINARY_EVENT':
      return Array.isArray(p.data) &&
        p.data.length > 0 &&
        (typeof p.data[0] === 'string' || typeof p.data[0] === 'number')
        ? undefined
        : 'an event must be an array starting with its name';
    case 'ACK':
    case 'BINARY_ACK':
      if (p.id === undefined) return 'an ACK needs an ack id';
      return Array.isArray(p.data) ? undefined : 'ACK data must be an array';
  }
}

/** Whether a value is a binary placeholder (`{"_placeholder":true,"num":N}`). */
export function placeholderNum(value: unknown): number | undefined {
  if (!isRecord(value) || value._placeholder !== true) return undefined;
  return typeof value.num === 'number' ? value.num : undefined;
}

/**
 * The packet's data with each placeholder replaced by its attachment, as socket.io-parser
 * reconstructs it; a placeholder whose attachment is missing stays as it is.
 */
export function joinAttachments(data: unknown, attachments: readonly Uint8Array[]): unknown {
  const num = placeholderNum(data);
  if (num !== undefined) return attachments[num] ?? data;
  if (Array.isArray(data)) return data.map((v) => joinAttachments(v, attachments));
  if (isRecord(data)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) out[k] = joinAttachments(v, attachments);
    return out;
  }
  return data;
}

/** A preview-friendly copy: placeholders shown as `<binary #N>`. */
export function withPlaceholderMarks(data: unknown): unknown {
  const num = placeholderNum(data);
  if (num !== undefined) return `<binary #${num}>`;
  if (Array.isArray(data)) return data.map(withPlaceholderMarks);
  if (isRecord(data)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) out[k] = withPlaceholderMarks(v);
    return out;
  }
  return data;
}
