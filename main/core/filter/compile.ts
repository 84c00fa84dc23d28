/**
 * Filter tree → predicate over full entries. Terms are turned into closures once; evaluation
 * computes the payload's text, lowercase form and JSON only when a term asks, once per entry.
 * The predicate never throws: an entry a term cannot read simply does not match.
 */
import type {
  CompareOp,
  FilterAst,
  FilterNode,
  FilterTerm,
  HasWhat,
  TextPattern,
} from '../../../shared/filter/ast.ts';
import { isProtocolTerm } from '../../../shared/filter/ast.ts';
import { selectJsonPath } from '../../../shared/filter/json-path.ts';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { EntryView, NOT_JSON } from './entry-view.ts';
import { jsonValueTest } from './json-match.ts';
import type { FilterProtocolContext } from './protocol-context.ts';

export type EntryPredicate = (entry: Entry, connection?: Connection) => boolean;

type Test = (view: EntryView) => boolean;

const never: Test = () => false;
const always: Test = () => true;

/**
 * `protocols` answers protocol terms (`proto:`, `rpc.method:`, `unanswered`, …) by entry seq;
 * without it they match nothing (so `-proto:mqtt` matches everything).
 */
export function compileFilter(ast: FilterAst, protocols?: FilterProtocolContext): EntryPredicate {
  let strict: EntryPredicate;
  try {
    strict = compileFilterStrict(ast, protocols);
  } catch {
    // Only a tree that did not come from parseFilter gets here (say, a hand-made bad regex).
    return () => false;
  }
  return (entry, connection) => {
    try {
      return strict(entry, connection);
    } catch {
      return false;
    }
  };
}

/**
 * The predicate without the safety net: throws only on trees or entries that break their types.
 * The property tests run this one, to show the net in `compileFilter` is never what saves them.
 */
export function compileFilterStrict(
  ast: FilterAst,
  protocols?: FilterProtocolContext,
): EntryPredicate {
  const test = ast.type === 'all' ? always : compileNode(ast, protocols);
  const view = new EntryView();
  return (entry, connection) => {
    view.reset(entry, connection);
    try {
      return test(view);
    } finally {
      view.release();
    }
  };
}

function compileNode(node: FilterNode, protocols: FilterProtocolContext | undefined): Test {
  switch (node.type) {
    case 'and': {
      const tests = node.children.map((c) => compileNode(c, protocols));
      return (v) => tests.every((t) => t(v));
    }
    case 'or': {
      const tests = node.children.map((c) => compileNode(c, protocols));
      return (v) => tests.some((t) => t(v));
    }
    case 'not': {
      const test = compileNode(node.child, protocols);
      return (v) => !test(v);
    }
    default:
      if (isProtocolTerm(node)) {
        if (protocols === undefined) return never;
        const term = node;
        return (v) => protocols.matches(term, v.entry.seq);
      }
      return compileTerm(node);
  }
}

export function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** `g` and `y` make `test` stateful; a filter only asks "is it in there". */
function toRegExp(source: string, flags: string): RegExp {
  return new RegExp(source, flags.replace(/[gy]/g, ''));
}

/** Exact text (or a regex search) over a string field. */
function exactOrRegex(pattern: TextPattern): (s: string) => boolean {
  if (pattern.type === 'regex') {
    const re = toRegExp(pattern.source, pattern.flags);
    return (s) => re.test(s);
  }
  const value = pattern.value;
  return (s) => s === value;
}

/** Case-insensitive substring (or a regex search) over a string field. */
function containsOrRegex(pattern: TextPattern): (s: string) => boolean {
  if (pattern.type === 'regex') {
    const re = toRegExp(pattern.source, pattern.flags);
    return (s) => re.test(s);
  }
  const needle = pattern.value.toLowerCase();
  return (s) => s.toLowerCase().includes(needle);
}

/** `invalid-utf8` matches `ws.invalid-utf8` and `sse.invalid-utf8`; `ws` matches every `ws.*`. */
function noteMatches(code: string, wanted: string): boolean {
  const c = code.toLowerCase();
  return c === wanted || c.endsWith(`.${wanted}`) || c.startsWith(`${wanted}.`);
}

function hasTest(what: HasWhat): Test {
  switch (what) {
    case 'notes':
      return (v) => (v.entry.notes?.length ?? 0) > 0;
    case 'compressed':
      return (v) => v.entry.frame?.rsv1 === true;
    case 'fragmented':
      return (v) => (v.entry.frame?.fragments ?? 1) > 1;
    case 'masked':
      return (v) => v.entry.frame?.masked === true;
    case 'id':
      return (v) => v.entry.sse?.id !== undefined;
    case 'retry':
      return (v) => v.entry.sse?.retry !== undefined;
  }
}

function compileTerm(term: FilterTerm): Test {
  switch (term.type) {
    case 'text': {
      const needle = term.value.toLowerCase();
      return (v) =>
        v.lowerText().includes(needle) ||
        (v.entry.close?.reason.toLowerCase().includes(needle) ?? false);
    }
    case 'regex': {
      const re = toRegExp(term.source, term.flags);
      return (v) =>
        re.test(v.text()) || (v.entry.close !== undefined && re.test(v.entry.close.reason));
    }
    case 'dir': {
      const direction = term.direction;
      return (v) => v.entry.direction === direction;
    }
    case 'kind': {
      const kinds = new Set<string>(term.kinds);
      return (v) => kinds.has(v.entry.kind);
    }
    case 'conn': {
      const prefix = term.prefix;
      return (v) => v.entry.connectionId.startsWith(prefix);
    }
    case 'size': {
      const { op, bytes } = term;
      return term.measure === 'payload'
        ? (v) => compare(v.entry.payloadSize, op, bytes)
        : (v) => compare(v.entry.wireSize, op, bytes);
    }
    case 'code': {
      const { op, code } = term;
      return (v) => v.entry.close !== undefined && compare(v.entry.close.code, op, code);
    }
    case 'event': {
      const match = exactOrRegex(term.pattern);
      return (v) => v.entry.sse !== undefined && match(v.entry.sse.event);
    }
    case 'id': {
      const match = exactOrRegex(term.pattern);
      return (v) => v.entry.sse !== undefined && match(v.entry.sse.lastEventId);
    }
    case 'url': {
      const match = containsOrRegex(term.pattern);
      return (v) => v.connection !== undefined && match(v.connection.url);
    }
    case 'note': {
      const wanted = term.code.toLowerCase();
      return (v) => v.entry.notes?.some((n) => noteMatches(n.code, wanted)) ?? false;
    }
    case 'has':
      return hasTest(term.what);
    case 'json': {
      const { path } = term;
      const valueTest = jsonValueTest(term.test);
      const containerOnly = path.length > 0;
      return (v) => {
        const doc = v.json(containerOnly);
        return doc !== NOT_JSON && selectJsonPath(doc, path).some(valueTest);
      };
    }
    default:
      return never;
  }
}
