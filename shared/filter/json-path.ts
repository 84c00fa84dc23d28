/**
 * The JSONPath-like paths of `json:` terms: `$.a.b[0].c`, `a.b`, `items[*].id`, `["weird key"]`,
 * `[-1]` for the last element. Reading, writing, and selecting values from parsed JSON.
 */
import type { JsonPathSegment } from './ast.ts';
import { formatQuoted, readQuoted } from './quoted.ts';
import { isSpace, type Scanner } from './scanner.ts';

/** Characters that end a bare key: they start an operator, a bracket, or end the term. */
const KEY_STOP = new Set(['.', '[', ']', '(', ')', '"', "'", '=', '!', '~', '<', '>']);

function isKeyChar(c: string | undefined): c is string {
  return c !== undefined && !KEY_STOP.has(c) && !isSpace(c);
}

function readKey(s: Scanner, what: string): string {
  const start = s.pos;
  while (isKeyChar(s.peek())) s.pos++;
  if (s.pos === start) {
    s.fail(`expected a key ${what} (quote odd keys as ["key"])`, start, start + 1);
  }
  return s.text.slice(start, s.pos);
}

function readBracket(s: Scanner): JsonPathSegment {
  const open = s.pos;
  s.pos++;
  s.skipSpace();
  const c = s.peek();
  let segment: JsonPathSegment;
  if (c === '"' || c === "'") {
    segment = { type: 'key', key: readQuoted(s) };
  } else if (c === '*') {
    s.pos++;
    segment = { type: 'wildcard' };
  } else {
    const start = s.pos;
    if (s.peek() === '-') s.pos++;
    while (/^[0-9]$/.test(s.peek() ?? '')) s.pos++;
    const digits = s.text.slice(start, s.pos);
    if (!/^-?[0-9]+$/.test(digits)) {
      const [from, to] = s.atEnd ? [open, open + 1] : [start, Math.max(s.pos, start + 1)];
      s.fail('expected an index, * or a quoted key inside [ ]', from, to);
    }
    const index = Number(digits);
    if (!Number.isSafeInteger(index)) s.fail('index too large', start, s.pos);
    segment = { type: 'index', index: index === 0 ? 0 : index };
  }
  s.skipSpace();
  if (s.peek() !== ']') s.fail('missing ] in the JSON path', open, s.pos);
  s.pos++;
  return segment;
}

/**
 * Reads a path at the cursor; stops before an operator, white space or a parenthesis.
 * `$` alone (or an empty path) is the whole document.
 */
export function readJsonPath(s: Scanner): JsonPathSegment[] {
  const segments: JsonPathSegment[] = [];
  const c0 = s.peek();
  if (c0 === '$' && !isKeyChar(s.peek(1))) {
    s.pos++;
  } else if (isKeyChar(c0)) {
    segments.push(keySegment(readKey(s, 'at the start of the path')));
  }
  for (;;) {
    const c = s.peek();
    if (c === '.') {
      s.pos++;
      if (s.peek() === '*') {
        s.pos++;
        segments.push({ type: 'wildcard' });
      } else if (s.peek() === '[') {
        segments.push(readBracket(s));
      } else {
        segments.push(keySegment(readKey(s, 'after "."')));
      }
    } else if (c === '[') {
      segments.push(readBracket(s));
    } else if (c === ']') {
      s.fail('unmatched ] in the JSON path', s.pos, s.pos + 1);
    } else {
      return segments;
    }
  }
}

function keySegment(key: string): JsonPathSegment {
  return key === '*' ? { type: 'wildcard' } : { type: 'key', key };
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Canonical text of a path: always starts with `$`. */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    switch (segment.type) {
      case 'key':
        out += PLAIN_KEY.test(segment.key) ? `.${segment.key}` : `[${formatQuoted(segment.key)}]`;
        break;
      case 'index':
        out += `[${segment.index}]`;
        break;
      case 'wildcard':
        out += '[*]';
        break;
    }
  }
  return out;
}

const CANONICAL_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Every value the path reaches in a parsed JSON document (several through wildcards, none when
 * it leads nowhere). A key step also indexes arrays when the key is a plain number (`a.0`).
 */
export function selectJsonPath(root: unknown, path: readonly JsonPathSegment[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        const items = value as unknown[];
        if (segment.type === 'wildcard') {
          next.push(...items);
        } else {
          const index =
            segment.type === 'index'
              ? segment.index
              : CANONICAL_INDEX.test(segment.key)
                ? Number(segment.key)
                : undefined;
          if (index === undefined) continue;
          const at = index < 0 ? items.length + index : index;
          if (at >= 0 && at < items.length) next.push(items[at]);
        }
      } else if (segment.type === 'wildcard') {
        next.push(...Object.values(value as Record<string, unknown>));
      } else if (segment.type === 'key' && Object.hasOwn(value, segment.key)) {
        next.push((value as Record<string, unknown>)[segment.key]);
      }
    }
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}
