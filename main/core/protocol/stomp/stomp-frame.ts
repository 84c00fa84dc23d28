/**
 * STOMP 1.0–1.2 frames (https://stomp.github.io/stomp-specification-1.2.html): a command line,
 * header lines, a blank line, the body up to a NUL (exactly `content-length` bytes when given,
 * NULs inside allowed), then optional EOLs. A lone EOL is a heart-beat.
 */
import { utf8 } from '../dissect/bytes.ts';

export const CLIENT_COMMANDS = [
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
] as const;
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;

export interface StompFrame {
  command: string;
  /** First occurrence wins on repeats (spec §Repeated Header Entries). */
  headers: Map<string, string>;
  body: Uint8Array;
}

export type StompParse =
  | { type: 'frame'; frame: StompFrame; length: number }
  | { type: 'heartbeat'; length: number }
  | { type: 'incomplete' }
  | { type: 'malformed'; code: string; reason: string; length: number };

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

/** Parses the frame at the start of `bytes`. */
export function parseStompFrame(bytes: Uint8Array): StompParse {
  if (bytes.length === 0) return { type: 'incomplete' };
  if (bytes[0] === LF) return { type: 'heartbeat', length: 1 };
  if (bytes[0] === CR) {
    if (bytes.length < 2) return { type: 'incomplete' };
    if (bytes[1] === LF) return { type: 'heartbeat', length: 2 };
  }
  const headEnd = findHeadEnd(bytes);
  if (headEnd === undefined) {
    // No blank line yet; a NUL before it means a frame without one.
    const nul = bytes.indexOf(NUL);
    if (nul >= 0) {
      return {
        type: 'malformed',
        code: 'stomp.no-blank-line',
        reason: 'frame ends before its headers do',
        length: nul + 1,
      };
    }
    return { type: 'incomplete' };
  }
  const lines = utf8
    .decode(bytes.subarray(0, headEnd.lines))
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const command = lines[0] ?? '';
  const escape = command !== 'CONNECT' && command !== 'CONNECTED';
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      return skipFrame(
        bytes,
        headEnd.body,
        'stomp.header',
        `header line without a colon: ${line.slice(0, 40)}`,
      );
    }
    const name = escape ? unescape(line.slice(0, colon)) : line.slice(0, colon);
    const value = escape ? unescape(line.slice(colon + 1)) : line.slice(colon + 1);
    if (name === undefined || value === undefined) {
      return skipFrame(
        bytes,
        headEnd.body,
        'stomp.escape',
        'undefined escape sequence in a header',
      );
    }
    if (!headers.has(name)) headers.set(name, value);
  }
  const declared = headers.get('content-length');
  let bodyEnd: number;
  if (declared !== undefined) {
    if (!/^\d{1,10}$/.test(declared)) {
      return skipFrame(
        bytes,
        headEnd.body,
        'stomp.content-length',
        `bad content-length "${declared}"`,
      );
    }
    bodyEnd = headEnd.body + Number(declared);
    if (bytes.length < bodyEnd + 1) return { type: 'incomplete' };
    if (bytes[bodyEnd] !== NUL) {
      return skipFrame(bytes, headEnd.body, 'stomp.no-nul', 'no NUL after content-length bytes');
    }
  } else {
    bodyEnd = bytes.indexOf(NUL, headEnd.body);
    if (bodyEnd < 0) return { type: 'incomplete' };
  }
  if (
    !(CLIENT_COMMANDS as readonly string[]).includes(command) &&
    !(SERVER_COMMANDS as readonly string[]).includes(command)
  ) {
    return {
      type: 'malformed',
      code: 'stomp.command',
      reason: `unknown command "${command.slice(0, 40)}"`,
      length: bodyEnd + 1,
    };
  }
  return {
    type: 'frame',
    frame: { command, headers, body: bytes.subarray(headEnd.body, bodyEnd) },
    length: bodyEnd + 1,
  };
}

function skipFrame(bytes: Uint8Array, from: number, code: string, reason: string): StompParse {
  const nul = bytes.indexOf(NUL, from);
  return nul < 0 ? { type: 'incomplete' } : { type: 'malformed', code, reason, length: nul + 1 };
}

/** End of the header block: `lines` excludes the blank line, `body` is where the body starts. */
function findHeadEnd(bytes: Uint8Array): { lines: number; body: number } | undefined {
  for (let i = bytes.indexOf(LF); i >= 0 && i < bytes.length; i = bytes.indexOf(LF, i + 1)) {
    if (bytes[i + 1] === LF) return { lines: i, body: i + 2 };
    if (bytes[i + 1] === CR && bytes[i + 2] === LF) return { lines: i, body: i + 3 };
    if (i + 2 >= bytes.length) return undefined;
  }
  return undefined;
}

function unescape(text: string): string | undefined {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text.charAt(++i);
    if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else return undefined;
  }
  return out;
}
