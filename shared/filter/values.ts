/** Field values: bare or quoted text, sizes with units, numbers, comparison operators. */
import type { CompareOp } from './ast.ts';
import { readQuoted } from './quoted.ts';
import { isWordEnd, type Scanner } from './scanner.ts';

export interface ValueText {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** A quoted string, or a bare run up to white space or a parenthesis; empty when neither. */
export function readValue(s: Scanner): ValueText {
  const start = s.pos;
  if (s.peek() === '"') {
    const text = readQuoted(s);
    if (!isWordEnd(s.peek())) {
      s.fail('unexpected character after a quoted value: add a space', s.pos, s.pos + 1);
    }
    return { text, start, end: s.pos, quoted: true };
  }
  while (!isWordEnd(s.peek())) {
    if (s.peek() === '"') {
      s.fail('a quote inside a word: quote the whole value instead', s.pos, s.pos + 1);
    }
    s.pos++;
  }
  return { text: s.text.slice(start, s.pos), start, end: s.pos, quoted: false };
}

/** Reads `=`, `!=`, `<`, `<=`, `>` or `>=` at the cursor (longest first), if there is one. */
export function readCompareOp(s: Scanner): CompareOp | undefined {
  for (const op of ['!=', '<=', '>=', '=', '<', '>'] as const) {
    if (s.startsWith(op)) {
      s.pos += op.length;
      return op;
    }
  }
  return undefined;
}

/** Size units: powers of 1024, whatever the spelling (k = kb = kib = 1024 bytes). */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `1k`, `64KiB`, `1.5mb`, `0`: a whole number of bytes (fractions round to the nearest byte). */
export function parseSize(s: Scanner, value: ValueText): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(value.text);
  const unit = match === null ? undefined : UNITS[(match[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) {
    s.fail(
      'expected a size such as 0, 512, 1k, 64KiB or 1.5mb (units b, k, m, g; 1k = 1024 bytes)',
      value.start,
      Math.max(value.end, value.start + 1),
    );
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes)) s.fail('size too large', value.start, value.end);
  return bytes;
}

const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** A JSON-style number text (decimal, optional sign, fraction and exponent), else undefined. */
export function numberOf(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  return n === 0 ? 0 : n;
}
