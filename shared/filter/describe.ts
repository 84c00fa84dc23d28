/** A short English reading of a filter, for tooltips and the match-count line. */
import type { CompareOp, FilterAst, FilterNode, FilterTerm } from './ast.ts';
import { formatJsonPath } from './json-path.ts';

const OP_WORDS: Record<CompareOp, string> = {
  '=': 'exactly',
  '!=': 'not',
  '<': 'under',
  '<=': 'at most',
  '>': 'over',
  '>=': 'at least',
};

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % (size / 1024) === 0) {
      return `${String(Math.round((bytes / size) * 100) / 100)} ${unit}`;
    }
  }
  return `${bytes} B`;
}

export function describeFilter(ast: FilterAst): string {
  return ast.type === 'all' ? 'everything' : describeNode(ast);
}

function describeNode(n: FilterNode): string {
  switch (n.type) {
    case 'and':
      return n.children.map((c) => group(c, 'or')).join(' and ');
    case 'or':
      return n.children.map((c) => group(c, 'and')).join(' or ');
    case 'not':
      return `not ${group(n.child, 'any')}`;
    default:
      return describeTerm(n);
  }
}

function group(n: FilterNode, wrap: 'and' | 'or' | 'any'): string {
  const needs = n.type === 'or' || (n.type === 'and' && wrap !== 'or');
  return needs ? `(${describeNode(n)})` : describeNode(n);
}

function describeTerm(t: FilterTerm): string {
  switch (t.type) {
    case 'text':
      return `text contains "${t.value}"`;
    case 'regex':
      return `text matches /${t.source}/${t.flags}`;
    case 'dir':
      return t.direction === 'in' ? 'received (toward the client)' : 'sent (toward the server)';
    case 'kind':
      return `kind ${t.kinds.join(' or ')}`;
    case 'conn':
      return `connection ${t.prefix}…`;
    case 'size':
      return `${t.measure === 'payload' ? 'payload' : 'wire size'} ${OP_WORDS[t.op]} ${formatBytes(t.bytes)}`;
    case 'code':
      return `close code ${OP_WORDS[t.op]} ${t.code}`;
    case 'event':
    case 'id':
    case 'url': {
      const what = { event: 'SSE event', id: 'SSE id', url: 'URL' }[t.type];
      return t.pattern.type === 'regex'
        ? `${what} matches /${t.pattern.source}/${t.pattern.flags}`
        : `${what} ${t.type === 'url' ? 'contains' : 'is'} "${t.pattern.value}"`;
    }
    case 'note':
      return `decoder note ${t.code}`;
    case 'has':
      return `has ${t.what}`;
    case 'json': {
      const path = formatJsonPath(t.path);
      const test = t.test;
      switch (test.op) {
        case 'exists':
          return t.path.length === 0 ? 'payload is JSON' : `JSON ${path} exists`;
        case '~':
          return `JSON ${path} contains "${test.value}"`;
        case '=':
        case '!=':
          return `JSON ${path} ${test.op === '=' ? 'is' : 'is not'} ${test.value}`;
        default:
          return `JSON ${path} ${test.op} ${test.value}`;
      }
    }
    case 'proto':
      return `protocol ${t.protocol}`;
    case 'pkind':
      return `protocol message ${t.kind}`;
    case 'pfield':
      return t.field === 'mqtt.topic'
        ? `MQTT topic matches "${t.value}"`
        : `${t.field} is "${t.value}"`;
    case 'rpc-error':
      return 'JSON-RPC error';
    case 'unanswered':
      return 'unanswered request';
    case 'latency':
      return `pair latency ${OP_WORDS[t.op]} ${String(t.ms)} ms`;
  }
}
