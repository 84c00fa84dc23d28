/** Quoted strings: `"two words"` with JSON-like escapes (\" \\ \n \r \t \uXXXX). */
import type { Scanner } from './scanner.ts';

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '0': '\0',
};

/** Reads a string opened by the quote character at the cursor (`"`, or `'` where allowed). */
export function readQuoted(s: Scanner): string {
  const start = s.pos;
  const quote = s.peek();
  s.pos++;
  let out = '';
  for (;;) {
    const c = s.peek();
    if (c === undefined) {
      s.fail(`unterminated string: add a closing ${quote ?? '"'}`, start, s.pos);
    }
    if (c === quote) {
      s.pos++;
      return out;
    }
    if (c !== '\\') {
      out += c;
      s.pos++;
      continue;
    }
    const escapeStart = s.pos;
    const e = s.peek(1);
    if (e === 'u') {
      const hex = s.text.slice(s.pos + 2, s.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        s.fail('\\u needs four hex digits', escapeStart, Math.min(s.pos + 6, s.text.length));
      }
      out += String.fromCharCode(parseInt(hex, 16));
      s.pos += 6;
      continue;
    }
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
    if (simple === undefined) {
      s.fail(
        e === undefined
          ? 'unterminated string: it ends with a backslash'
          : `unknown escape \\${e} (write \\\\ for a backslash)`,
        escapeStart,
        Math.min(escapeStart + 2, s.text.length),
      );
    }
    out += simple;
    s.pos += 2;
  }
}

/** The quoted form of any string, readable by `readQuoted`. */
export function formatQuoted(value: string): string {
  let out = '"';
  for (const c of value) {
    switch (c) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = c.charCodeAt(0);
        out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
      }
    }
  }
  return out + '"';
}
