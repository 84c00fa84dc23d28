/**
 * Splits filter text into tokens on demand, so that the parser reports the first problem in
 * reading order. Terms come out fully read (fields, values, regexes, JSON paths).
 */
import type { FilterTerm } from './ast.ts';
import { FIELD_NAMES, isFieldName, readFieldTerm } from './fields.ts';
import { readProtocolTerm } from './protocol-terms.ts';
import { readQuoted } from './quoted.ts';
import { readRegex } from './regex-literal.ts';
import { isSpace, isWordEnd, type Scanner } from './scanner.ts';

export type Keyword = 'AND' | 'OR' | 'NOT';

export type Token = { start: number; end: number } & (
  | { type: 'lparen' | 'rparen' | 'minus' | 'end' }
  | { type: 'keyword'; word: Keyword }
  | { type: 'term'; term: FilterTerm }
);

/** Sticky: matches a would-be field name exactly at `lastIndex`. */
const FIELD_NAME = /[A-Za-z][A-Za-z0-9_]*/y;

const KEYWORDS: Record<string, Keyword> = { and: 'AND', or: 'OR', not: 'NOT' };

export function isKeyword(word: string): boolean {
  return KEYWORDS[word.toLowerCase()] !== undefined;
}

export function nextToken(s: Scanner): Token {
  s.skipSpace();
  const start = s.pos;
  const c = s.peek();
  if (c === undefined) return { type: 'end', start, end: start };
  if (c === '(' || c === ')') {
    s.pos++;
    return { type: c === '(' ? 'lparen' : 'rparen', start, end: s.pos };
  }
  if (c === '-') {
    const after = s.peek(1);
    if (after === undefined || after === ')' || isSpace(after)) {
      s.fail('"-" needs a term right after it (quote "-" to search for a dash)', start, start + 1);
    }
    s.pos++;
    return { type: 'minus', start, end: s.pos };
  }
  const term = readTerm(s);
  if (term === undefined) {
    const word = s.text.slice(start, s.pos);
    const keyword = KEYWORDS[word.toLowerCase()];
    if (keyword !== undefined) return { type: 'keyword', word: keyword, start, end: s.pos };
    return { type: 'term', term: { type: 'text', value: word }, start, end: s.pos };
  }
  return { type: 'term', term, start, end: s.pos };
}

/** Reads a term, or a bare word (cursor left after it) for the caller to classify. */
function readTerm(s: Scanner): FilterTerm | undefined {
  const start = s.pos;
  const c = s.peek();
  if (c === '"') {
    const value = readQuoted(s);
    if (!isWordEnd(s.peek())) {
      s.fail('unexpected character after a quoted string: add a space', s.pos, s.pos + 1);
    }
    return { type: 'text', value };
  }
  if (c === '/') {
    const { source, flags } = readRegex(s);
    return { type: 'regex', source, flags };
  }
  const protocolTerm = readProtocolTerm(s);
  if (protocolTerm !== undefined) return protocolTerm;
  FIELD_NAME.lastIndex = start;
  const name = FIELD_NAME.exec(s.text)?.[0] ?? '';
  if (name !== '') {
    const after = s.text[start + name.length];
    const lower = name.toLowerCase();
    const isField = isFieldName(lower);
    if (isField && after !== undefined && ':=<>!'.includes(after)) {
      s.pos = start + name.length;
      return readFieldTerm(s, lower, start);
    }
    if (after === ':' && !s.text.startsWith('//', start + name.length + 1)) {
      s.fail(
        `unknown field "${name}:" (fields: ${FIELD_NAMES.join(', ')}, and protocol fields such as rpc.method:); quote the word to search for it as text`,
        start,
        start + name.length + 1,
      );
    }
  }
  while (!isWordEnd(s.peek())) {
    if (s.peek() === '"') {
      s.fail('a quote inside a word: quote the whole word instead', s.pos, s.pos + 1);
    }
    s.pos++;
  }
  return undefined;
}
