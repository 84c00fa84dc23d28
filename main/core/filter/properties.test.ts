/**
 * Property tests: a compiled filter answers true or false for any well-typed entry without
 * throwing, even without the safety net of compileFilter (compileFilterStrict is tested).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../shared/filter/parser.ts';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { compileFilter, compileFilterStrict } from './compile.ts';
import { astArb } from './test-arbitraries.ts';

const FILTERS = [
  '',
  'hello',
  '/h.l+o/i',
  '/\\uFFFD/u',
  'dir:in kind:text,binary',
  '-kind:ping,pong',
  'conn:c size>10 wire<=1k',
  'code:1000 OR code>=4000',
  'event:/^m/ id:1',
  'note:invalid-utf8 OR has:notes OR has:compressed OR has:fragmented OR has:id OR has:retry',
  'url:example',
  'json:$',
  'json:a.b[0]=1 OR json:items[*].id>2 OR json:x~y OR json:["k"]!=2 OR json:[-1]',
  'NOT (a OR json:a.*.b)',
];

const compiled = FILTERS.map((text) => {
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return compileFilterStrict(parsed.filter);
});

const jsonTextArb = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
const payloadArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  jsonTextArb,
  fc.uint8Array({ maxLength: 40 }),
  jsonTextArb.map((s) => new TextEncoder().encode(s)),
);

const entryArb: fc.Arbitrary<Entry> = fc.record(
  {
    seq: fc.nat(),
    connectionId: fc.string({ maxLength: 4 }),
    time: fc.double(),
    direction: fc.constantFrom('in', 'out' as const),
    kind: fc.constantFrom(
      'text',
      'binary',
      'ping',
      'pong',
      'close',
      'event',
      'comment',
      'lifecycle',
      'error' as const,
    ),
    payload: payloadArb,
    payloadSize: fc.oneof(fc.nat(), fc.double()),
    wireSize: fc.oneof(fc.nat(), fc.double()),
    frame: fc.record({
      opcode: fc.nat({ max: 15 }),
      fin: fc.boolean(),
      rsv1: fc.boolean(),
      rsv2: fc.boolean(),
      rsv3: fc.boolean(),
      masked: fc.boolean(),
      fragments: fc.nat({ max: 5 }),
    }),
    close: fc.record({
      code: fc.nat({ max: 65535 }),
      reason: fc.string(),
      codeValid: fc.boolean(),
    }),
    sse: fc.record(
      { event: fc.string(), lastEventId: fc.string(), id: fc.string(), retry: fc.nat() },
      { requiredKeys: ['event', 'lastEventId'] },
    ),
    notes: fc.array(fc.record({ code: fc.string(), message: fc.string() }), { maxLength: 2 }),
  },
  {
    requiredKeys: [
      'seq',
      'connectionId',
      'time',
      'direction',
      'kind',
      'payload',
      'payloadSize',
      'wireSize',
    ],
  },
);

const connectionArb: fc.Arbitrary<Connection | undefined> = fc.option(
  fc.record({
    id: fc.string(),
    kind: fc.constantFrom('ws', 'sse', 'http' as const),
    source: fc.constant('client' as const),
    url: fc.webUrl(),
    method: fc.constant('GET'),
    requestHeaders: fc.constant([]),
    state: fc.constant('open' as const),
    openedAt: fc.double(),
    bytesOut: fc.nat(),
    bytesIn: fc.nat(),
  }),
  { nil: undefined },
);

describe('compiled filters', () => {
  it('never throw and always answer a boolean, for any entry', () => {
    fc.assert(
      fc.property(entryArb, connectionArb, (entry, conn) => {
        for (const predicate of compiled) expect(typeof predicate(entry, conn)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('compile from any tree and never throw on any entry', () => {
    fc.assert(
      fc.property(astArb, entryArb, connectionArb, (ast, entry, conn) => {
        expect(typeof compileFilterStrict(ast)(entry, conn)).toBe('boolean');
        expect(compileFilter(ast)(entry, conn)).toBe(compileFilterStrict(ast)(entry, conn));
      }),
      { numRuns: 2000 },
    );
  });
});
