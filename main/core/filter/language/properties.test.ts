/**
 * Property tests: the parser never throws, whatever the text; printing a tree and parsing it
 * gives the same tree back; positions in errors stay inside the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeFilter } from '../../../../shared/filter/describe.ts';
import { parseFilter } from '../../../../shared/filter/parser.ts';
import { stringifyFilter } from '../../../../shared/filter/stringify.ts';
import { astArb } from '../test-arbitraries.ts';

/** Text made of the language's own pieces, so the parser's deeper paths are reached often. */
const filterishArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ' ',
        '(',
        ')',
        '-',
        '"',
        '\\',
        '/',
        ':',
        '=',
        '<',
        '>',
        '!',
        '~',
        ',',
        '[',
        ']',
        '*',
        '$',
        '.',
        'AND',
        'or',
        'NOT',
        'kind:',
        'dir:',
        'size>',
        'wire<=',
        'code:',
        'event:',
        'id:',
        'url:',
        'note:',
        'has:',
        'conn:',
        'json:',
        'json:$.a',
        '[0]',
        '["k"]',
        'text',
        'ping',
        '1k',
        'KiB',
        'in',
        'out',
        '/a+/i',
        '\\u00',
        'notes',
        'x',
        '7',
        '-1',
        'proto:',
        'pkind:',
        'rpc.method:',
        'sio.ns:',
        'mqtt.topic:',
        'gql.x:',
        'pair.latency>',
        'pair.latency:',
        '5ms',
        '1.5s',
        'rpc.error',
        'unanswered',
        'mqtt',
      ),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

const anyTextArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), filterishArb);

describe('parseFilter never throws', () => {
  it('returns a result with an in-range error span for any text', () => {
    fc.assert(
      fc.property(anyTextArb, (text) => {
        const result = parseFilter(text);
        if (!result.ok) {
          expect(result.error.start).toBeGreaterThanOrEqual(0);
          expect(result.error.start).toBeLessThanOrEqual(result.error.end);
          expect(result.error.end).toBeLessThanOrEqual(text.length);
          expect(result.error.message).not.toBe('');
          if (text.trim() !== '') expect(result.error.end).toBeGreaterThan(result.error.start);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('reads back what it prints, for any text that parses', () => {
    fc.assert(
      fc.property(anyTextArb, (text) => {
        const result = parseFilter(text);
        if (!result.ok) return;
        const printed = stringifyFilter(result.filter);
        expect(parseFilter(printed)).toEqual({ ok: true, filter: result.filter });
      }),
      { numRuns: 5000 },
    );
  });
});

describe('stringifyFilter', () => {
  it('round-trips every tree: parse(stringify(ast)) equals ast', () => {
    fc.assert(
      fc.property(astArb, (ast) => {
        const text = stringifyFilter(ast);
        expect(parseFilter(text)).toEqual({ ok: true, filter: ast });
      }),
      { numRuns: 3000 },
    );
  });

  it('describes every tree without throwing', () => {
    fc.assert(
      fc.property(astArb, (ast) => {
        expect(typeof describeFilter(ast)).toBe('string');
      }),
    );
  });
});
