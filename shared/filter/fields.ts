/** `name:value` terms: which fields exist, and how each one reads its value. */
import { ENTRY_KINDS } from '../model/entry.ts';
import type { Direction, EntryKind } from '../model/entry.ts';
import {
  HAS_VALUES,
  type CompareOp,
  type FilterTerm,
  type HasWhat,
  type JsonTest,
  type TextPattern,
} from './ast.ts';
import { readJsonPath } from './json-path.ts';
import { readProtocolKind, readProtoValue } from './protocol-terms.ts';
import { readRegex } from './regex-literal.ts';
import { isWordEnd, type Scanner } from './scanner.ts';
import { numberOf, parseSize, readCompareOp, readValue, type ValueText } from './values.ts';

export const FIELD_NAMES = [
  'dir',
  'kind',
  'conn',
  'size',
  'wire',
  'code',
  'event',
  'id',
  'note',
  'has',
  'url',
  'json',
  'proto',
  'pkind',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export function isFieldName(name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

export const DIRECTION_WORDS: Record<string, Direction> = {
  in: 'in',
  out: 'out',
  received: 'in',
  sent: 'out',
};

export { ENTRY_KINDS };

/** Shorthands for groups of kinds. */
export const KIND_GROUPS: Record<string, EntryKind[]> = {
  data: ['text', 'binary'],
  control: ['ping', 'pong', 'close'],
};

/** Reads the rest of a field term; the cursor is just after the field's name. */
export function readFieldTerm(s: Scanner, name: FieldName, nameStart: number): FilterTerm {
  switch (name) {
    case 'size':
    case 'wire': {
      const op = readNumericOp(s, name, nameStart);
      const value = required(s, readValue(s), name, nameStart);
      return {
        type: 'size',
        measure: name === 'size' ? 'payload' : 'wire',
        op,
        bytes: parseSize(s, value),
      };
    }
    case 'code': {
      const op = readNumericOp(s, name, nameStart);
      const value = required(s, readValue(s), name, nameStart);
      const code = numberOf(value.text);
      if (code === undefined || !Number.isInteger(code) || code < 0 || code > 65535) {
        s.fail('expected a close code: a whole number from 0 to 65535', value.start, value.end);
      }
      return { type: 'code', op, code };
    }
    default:
      break;
  }
  expectColon(s, name, nameStart);
  switch (name) {
    case 'dir': {
      const value = required(s, readValue(s), name, nameStart);
      const direction = DIRECTION_WORDS[value.text.toLowerCase()];
      if (direction === undefined) {
        s.fail('expected dir:in or dir:out (or received / sent)', value.start, value.end);
      }
      return { type: 'dir', direction };
    }
    case 'kind':
      return { type: 'kind', kinds: readKinds(s, required(s, readValue(s), name, nameStart)) };
    case 'conn':
      return { type: 'conn', prefix: required(s, readValue(s), name, nameStart).text };
    case 'note':
      return { type: 'note', code: required(s, readValue(s), name, nameStart).text };
    case 'has': {
      const value = required(s, readValue(s), name, nameStart);
      const what = value.text.toLowerCase();
      if (!(HAS_VALUES as readonly string[]).includes(what)) {
        s.fail(`expected has:${HAS_VALUES.join(' | has:')}`, value.start, value.end);
      }
      return { type: 'has', what: what as HasWhat };
    }
    case 'event':
    case 'id':
    case 'url':
      return { type: name, pattern: readPattern(s, name, nameStart) };
    case 'json':
      return readJsonTerm(s, nameStart);
    case 'proto':
      return readProtoValue(s, nameStart);
    case 'pkind':
      return readProtocolKind(s, nameStart);
  }
}

function expectColon(s: Scanner, name: string, nameStart: number): void {
  if (s.peek() !== ':') {
    s.fail(`write ${name}:VALUE (only size, wire and code take comparisons)`, nameStart, s.pos + 1);
  }
  s.pos++;
}

/** `size:1k`, `size=1k`, `size:>1k`, `size>1k`, … (`:` alone means `=`). */
function readNumericOp(s: Scanner, name: string, nameStart: number): CompareOp {
  const colon = s.peek() === ':';
  if (colon) s.pos++;
  const op = readCompareOp(s);
  if (op === undefined && !colon)
    s.fail(`expected ${name}:, ${name}> or the like`, nameStart, s.pos);
  return op ?? '=';
}

function required(s: Scanner, value: ValueText, name: string, nameStart: number): ValueText {
  if (value.text === '' && !value.quoted) {
    s.fail(`${name}: needs a value`, nameStart, s.pos);
  }
  return value;
}

function readKinds(s: Scanner, value: ValueText): EntryKind[] {
  const kinds: EntryKind[] = [];
  let offset = value.start + (value.quoted ? 1 : 0);
  for (const part of value.text.split(',')) {
    const word = part.toLowerCase();
    const group = KIND_GROUPS[word];
    if (group !== undefined) kinds.push(...group);
    else if ((ENTRY_KINDS as readonly string[]).includes(word)) kinds.push(word as EntryKind);
    else {
      const end = value.quoted ? value.end : offset + part.length;
      s.fail(
        part === ''
          ? 'empty kind in the list'
          : `unknown kind "${part}" (kinds: ${ENTRY_KINDS.join(', ')}; groups: data, control)`,
        value.quoted ? value.start : offset,
        Math.max(end, (value.quoted ? value.start : offset) + 1),
      );
    }
    offset += part.length + 1;
  }
  return kinds;
}

function readPattern(s: Scanner, name: string, nameStart: number): TextPattern {
  if (s.peek() === '/') {
    const { source, flags } = readRegex(s);
    return { type: 'regex', source, flags };
  }
  return { type: 'text', value: required(s, readValue(s), name, nameStart).text };
}

function readJsonTerm(s: Scanner, nameStart: number): FilterTerm {
  if (isWordEnd(s.peek()))
    s.fail('json: needs a path such as $.type or items[*].id', nameStart, s.pos);
  const path = readJsonPath(s);
  if (isWordEnd(s.peek())) return { type: 'json', path, test: { op: 'exists' } };
  const opStart = s.pos;
  let op: JsonTest['op'] | undefined;
  if (s.peek() === '~') {
    s.pos++;
    op = '~';
  } else {
    op = readCompareOp(s);
  }
  if (op === undefined) {
    s.fail('unexpected character in a JSON path (quote odd keys as ["key"])', s.pos, s.pos + 1);
  }
  const value = readValue(s);
  if (value.text === '' && !value.quoted) {
    s.fail(`expected a value after ${op} (write "" for the empty string)`, opStart, s.pos);
  }
  switch (op) {
    case '=':
    case '!=':
    case '~':
      return { type: 'json', path, test: { op, value: value.text } };
    default: {
      const n = numberOf(value.text);
      if (n === undefined) {
        s.fail(`${op} compares numbers: expected a number`, value.start, value.end);
      }
      return { type: 'json', path, test: { op, value: n } };
    }
  }
}
