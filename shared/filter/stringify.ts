/**
 * Filter tree → filter text, in a canonical spelling (`dir:in`, `size>1024`, `$.a[0]`, quoted
 * strings where a bare word would read differently). `parseFilter(stringifyFilter(ast))` gives
 * back an equal tree for every tree the parser can produce.
 */
import type { FilterAst, FilterNode, FilterTerm, JsonTest, TextPattern } from './ast.ts';
import { formatJsonPath } from './json-path.ts';
import { isKeyword } from './lexer.ts';
import { formatProtocolTerm, isProtocolWord } from './protocol-terms.ts';
import { formatQuoted } from './quoted.ts';
import { formatRegex } from './regex-literal.ts';

/** Words that read back as themselves: no operators, quotes, colons, slashes or leading dash. */
const BARE_WORD = /^[\p{L}\p{N}_][\p{L}\p{N}_.,+*#@&-]*$/u;
/** Field values that read back as themselves (a leading dash is fine after a colon). */
const BARE_VALUE = /^[\p{L}\p{N}_.,+*#@&-]+$/u;

export function stringifyFilter(ast: FilterAst): string {
  return ast.type === 'all' ? '' : node(ast);
}

function node(n: FilterNode): string {
  switch (n.type) {
    case 'or':
      return n.children.map((c) => (c.type === 'or' ? `(${node(c)})` : node(c))).join(' OR ');
    case 'and':
      return n.children
        .map((c) => (c.type === 'or' || c.type === 'and' ? `(${node(c)})` : node(c)))
        .join(' ');
    case 'not': {
      const c = n.child;
      return c.type === 'or' || c.type === 'and' ? `-(${node(c)})` : `-${node(c)}`;
    }
    default:
      return term(n);
  }
}

function word(text: string): string {
  return BARE_WORD.test(text) && !isKeyword(text) && !isProtocolWord(text)
    ? text
    : formatQuoted(text);
}

function value(text: string): string {
  return BARE_VALUE.test(text) ? text : formatQuoted(text);
}

function pattern(p: TextPattern): string {
  return p.type === 'regex' ? formatRegex(p) : value(p.value);
}

function jsonTest(t: JsonTest): string {
  switch (t.op) {
    case 'exists':
      return '';
    case '<':
    case '<=':
    case '>':
    case '>=':
      return `${t.op}${String(t.value)}`;
    default:
      return `${t.op}${value(t.value)}`;
  }
}

export function term(t: FilterTerm): string {
  switch (t.type) {
    case 'text':
      return word(t.value);
    case 'regex':
      return formatRegex(t);
    case 'dir':
      return `dir:${t.direction}`;
    case 'kind':
      return `kind:${t.kinds.join(',')}`;
    case 'conn':
      return `conn:${value(t.prefix)}`;
    case 'size':
      return `${t.measure === 'payload' ? 'size' : 'wire'}${t.op}${t.bytes}`;
    case 'code':
      return `code${t.op === '=' ? ':' : t.op}${t.code}`;
    case 'event':
    case 'id':
    case 'url':
      return `${t.type}:${pattern(t.pattern)}`;
    case 'note':
      return `note:${value(t.code)}`;
    case 'has':
      return `has:${t.what}`;
    case 'json':
      return `json:${formatJsonPath(t.path)}${jsonTest(t.test)}`;
    default:
      return formatProtocolTerm(t);
  }
}
