/**
 * Protocol terms: `proto:`, `pkind:` (read as fields in fields.ts), dotted fields such as
 * `rpc.method:tools/call` and `pair.latency>500ms`, and the bare words `rpc.error` and
 * `unanswered`. Their meaning comes from the protocol dissection (main/core/protocol/dissect).
 */
import { PROTOCOL_NAMES, type ProtocolName } from '../model/protocol.ts';
import {
  PROTOCOL_FIELD_NAMES,
  type CompareOp,
  type FilterTerm,
  type ProtocolFieldName,
  type ProtocolFilterTerm,
} from './ast.ts';
import { formatQuoted } from './quoted.ts';
import { isWordEnd, type Scanner } from './scanner.ts';
import { readCompareOp, readValue, type ValueText } from './values.ts';

/** Sticky: a name with at most one dotted part, exactly at `lastIndex`. */
const DOTTED_NAME = /[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?/y;

/** Dotted names under these prefixes are protocol terms; others (`example.com:80`) stay text. */
const PROTOCOL_PREFIXES = new Set(['rpc', 'sio', 'signalr', 'gql', 'stomp', 'mqtt', 'pair']);

/** Bare words that are terms; to search for them as text, quote them. */
const PROTOCOL_WORDS: Readonly<Record<string, FilterTerm>> = {
  unanswered: { type: 'unanswered' },
  'rpc.error': { type: 'rpc-error' },
};

/** Latencies are kept to the microsecond, so a printed latency reads back exactly. */
const MAX_LATENCY_MS = 1e12;

export function isProtocolWord(word: string): boolean {
  return PROTOCOL_WORDS[word.toLowerCase()] !== undefined;
}

function isProtocolFieldName(name: string): name is ProtocolFieldName {
  return (PROTOCOL_FIELD_NAMES as readonly string[]).includes(name);
}

/**
 * Reads a dotted protocol term or a protocol word at the cursor; leaves the cursor alone and
 * returns undefined when there is none.
 */
export function readProtocolTerm(s: Scanner): FilterTerm | undefined {
  const start = s.pos;
  DOTTED_NAME.lastIndex = start;
  const name = DOTTED_NAME.exec(s.text)?.[0];
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  const end = start + name.length;
  const after = s.text[end];
  if (after === undefined || isWordEnd(after)) {
    const word = PROTOCOL_WORDS[lower];
    if (word !== undefined) s.pos = end;
    return word;
  }
  const dot = lower.indexOf('.');
  if (dot < 0 || !PROTOCOL_PREFIXES.has(lower.slice(0, dot)) || !':=<>!'.includes(after)) {
    return undefined;
  }
  s.pos = end;
  if (lower === 'pair.latency') return readLatency(s, start);
  if (!isProtocolFieldName(lower)) {
    s.fail(
      `unknown protocol field "${name}" (fields: ${PROTOCOL_FIELD_NAMES.join(', ')}, pair.latency; words: rpc.error, unanswered)`,
      start,
      end + 1,
    );
  }
  if (s.peek() !== ':') s.fail(`write ${lower}:VALUE`, start, s.pos + 1);
  s.pos++;
  const value = readValue(s);
  requireValue(s, value, lower, start);
  return { type: 'pfield', field: lower, value: value.text };
}

/** `proto:NAME`, any case; the cursor is just after the colon. */
export function readProtoValue(s: Scanner, nameStart: number): FilterTerm {
  const value = readValue(s);
  requireValue(s, value, 'proto', nameStart);
  const protocol = PROTOCOL_NAMES.find((n) => n === value.text.toLowerCase());
  if (protocol === undefined) {
    s.fail(
      `unknown protocol "${value.text}" (protocols: ${PROTOCOL_NAMES.join(', ')})`,
      value.start,
      Math.max(value.end, value.start + 1),
    );
  }
  return { type: 'proto', protocol: protocol satisfies ProtocolName };
}

/** `pkind:KIND`; the cursor is just after the colon. */
export function readProtocolKind(s: Scanner, nameStart: number): FilterTerm {
  const value = readValue(s);
  requireValue(s, value, 'pkind', nameStart);
  return { type: 'pkind', kind: value.text };
}

function requireValue(s: Scanner, value: ValueText, name: string, nameStart: number): void {
  if (value.text === '' && !value.quoted) s.fail(`${name}: needs a value`, nameStart, s.pos);
}

/** `pair.latency>500ms`, `pair.latency:<=1.5s`, `pair.latency:20` (= 20 ms). */
function readLatency(s: Scanner, nameStart: number): FilterTerm {
  const colon = s.peek() === ':';
  if (colon) s.pos++;
  const op: CompareOp | undefined = readCompareOp(s);
  if (op === undefined && !colon) {
    s.fail('expected pair.latency>, pair.latency: or the like', nameStart, s.pos);
  }
  const value = readValue(s);
  requireValue(s, value, 'pair.latency', nameStart);
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s)?$/i.exec(value.text);
  if (match === null) {
    s.fail(
      'expected a latency such as 250, 250ms or 1.5s (no unit means milliseconds)',
      value.start,
      Math.max(value.end, value.start + 1),
    );
  }
  const scale = match[2]?.toLowerCase() === 's' ? 1000 : 1;
  const ms = Math.round(Number(match[1]) * scale * 1000) / 1000;
  if (!(ms <= MAX_LATENCY_MS)) s.fail('latency too large', value.start, value.end);
  return { type: 'latency', op: op ?? '=', ms };
}

/** Protocol values read back as themselves unless empty or holding space, parentheses, quotes. */
const BARE_PROTOCOL_VALUE = /^[^\s()"]+$/u;

export function formatProtocolTerm(t: ProtocolFilterTerm): string {
  const value = (text: string): string =>
    BARE_PROTOCOL_VALUE.test(text) ? text : formatQuoted(text);
  switch (t.type) {
    case 'proto':
      return `proto:${t.protocol}`;
    case 'pkind':
      return `pkind:${value(t.kind)}`;
    case 'pfield':
      return `${t.field}:${value(t.value)}`;
    case 'rpc-error':
      return 'rpc.error';
    case 'unanswered':
      return 'unanswered';
    case 'latency':
      return `pair.latency${t.op}${String(t.ms)}ms`;
  }
}
