/** fast-check generators of filter trees, for the language's and the evaluator's properties. */
import fc from 'fast-check';
import type {
  FilterAst,
  FilterNode,
  FilterTerm,
  JsonPathSegment,
  JsonTest,
} from '../../../shared/filter/ast.ts';
import { HAS_VALUES, PROTOCOL_FIELD_NAMES } from '../../../shared/filter/ast.ts';
import { PROTOCOL_NAMES } from '../../../shared/model/protocol.ts';
import { ENTRY_KINDS } from '../../../shared/filter/fields.ts';

const stringArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    'and',
    'OR',
    'not',
    '-x',
    'kind:text',
    'a b',
    '"',
    '\\',
    '/re/',
    'size>1',
    '',
    'unanswered',
    'RPC.Error',
    'rpc.method:x',
    'a/#',
    '/chat',
  ),
);
const nonEmptyArb = stringArb.filter((s) => s !== '');

/** Regex sources that are valid and read back: escaped text, or a few hand-picked patterns. */
const regexArb = fc
  .record({
    source: fc.oneof(
      fc.constantFrom('ab+c', '^\\d{2,}$', '[/\\]]x', 'a\\/b', '(?:x|y)*z', '\\u{1F600}'),
      nonEmptyArb.map((s) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&').replace(/\n/g, '\\n')),
    ),
    flags: fc.constantFrom('', 'i', 'u', 'is', 'm', 'gi'),
  })
  .filter(({ source, flags }) => {
    try {
      new RegExp(source, flags);
      return true;
    } catch {
      return false;
    }
  });

const patternArb = fc.oneof(
  nonEmptyArb.map((value) => ({ type: 'text' as const, value })),
  regexArb.map((r) => ({ type: 'regex' as const, ...r })),
);

const opArb = fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const);

const segmentArb: fc.Arbitrary<JsonPathSegment> = fc.oneof(
  stringArb.map((key) => ({ type: 'key' as const, key })),
  fc.integer({ min: -5, max: 1000 }).map((index) => ({ type: 'index' as const, index })),
  fc.constant({ type: 'wildcard' as const }),
);

const numberArb = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n));

const jsonTestArb: fc.Arbitrary<JsonTest> = fc.oneof(
  fc.constant({ op: 'exists' as const }),
  fc.record({ op: fc.constantFrom('=', '!=', '~' as const), value: stringArb }),
  fc.record({ op: fc.constantFrom('<', '<=', '>', '>=' as const), value: numberArb }),
);

/** Protocol terms; latencies are whole microseconds, as the parser keeps them. */
export const protocolTermArb: fc.Arbitrary<FilterTerm> = fc.oneof(
  fc.constantFrom(...PROTOCOL_NAMES).map((protocol) => ({ type: 'proto' as const, protocol })),
  stringArb.map((kind) => ({ type: 'pkind' as const, kind })),
  fc.record({
    type: fc.constant('pfield' as const),
    field: fc.constantFrom(...PROTOCOL_FIELD_NAMES),
    value: stringArb,
  }),
  fc.constantFrom({ type: 'rpc-error' as const }, { type: 'unanswered' as const }),
  fc.record({
    type: fc.constant('latency' as const),
    op: opArb,
    ms: fc.integer({ min: 0, max: 1e15 }).map((us) => us / 1000),
  }),
);

const termArb: fc.Arbitrary<FilterTerm> = fc.oneof(
  stringArb.map((value) => ({ type: 'text' as const, value })),
  regexArb.map((r) => ({ type: 'regex' as const, ...r })),
  fc.constantFrom('in', 'out' as const).map((direction) => ({ type: 'dir' as const, direction })),
  fc
    .array(fc.constantFrom(...ENTRY_KINDS), { minLength: 1, maxLength: 4 })
    .map((kinds) => ({ type: 'kind' as const, kinds })),
  nonEmptyArb.map((prefix) => ({ type: 'conn' as const, prefix })),
  fc.record({
    type: fc.constant('size' as const),
    measure: fc.constantFrom('payload', 'wire' as const),
    op: opArb,
    bytes: fc.nat(),
  }),
  fc.record({ type: fc.constant('code' as const), op: opArb, code: fc.nat({ max: 65535 }) }),
  fc.record({ type: fc.constantFrom('event', 'id', 'url' as const), pattern: patternArb }),
  nonEmptyArb.map((code) => ({ type: 'note' as const, code })),
  fc.constantFrom(...HAS_VALUES).map((what) => ({ type: 'has' as const, what })),
  fc.record({
    type: fc.constant('json' as const),
    path: fc.array(segmentArb, { maxLength: 4 }),
    test: jsonTestArb,
  }),
  protocolTermArb,
);

const { node: nodeArb } = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    termArb,
    fc.record({
      type: fc.constantFrom('and', 'or' as const),
      children: fc.array(tie('node'), { minLength: 2, maxLength: 4 }),
    }),
    fc.record({ type: fc.constant('not' as const), child: tie('node') }),
  ),
}));

export const astArb: fc.Arbitrary<FilterAst> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ type: 'all' as const }) },
  { weight: 20, arbitrary: nodeArb },
);
