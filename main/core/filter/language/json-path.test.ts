/** Tests of the shared filter language (they live in main: shared/ may import no test packages). */
import { describe, expect, it } from 'vitest';
import type { JsonPathSegment } from '../../../../shared/filter/ast.ts';
import { formatJsonPath, selectJsonPath } from '../../../../shared/filter/json-path.ts';

const key = (k: string): JsonPathSegment => ({ type: 'key', key: k });
const index = (i: number): JsonPathSegment => ({ type: 'index', index: i });
const any: JsonPathSegment = { type: 'wildcard' };

describe('selectJsonPath', () => {
  const doc = {
    a: { b: [{ c: 1 }, { c: 2 }] },
    items: [{ id: 1 }, { id: 2 }, { name: 'x' }],
    'weird key': true,
    list: ['x', 'y', 'z'],
  };
  const parsed = JSON.parse(JSON.stringify(doc)) as unknown;

  it.each<[JsonPathSegment[], unknown[]]>([
    [[], [parsed]],
    [[key('a'), key('b'), index(0), key('c')], [1]],
    [
      [key('items'), any, key('id')],
      [1, 2],
    ],
    [[key('weird key')], [true]],
    [[key('list'), index(-1)], ['z']],
    [[key('list'), index(3)], []],
    [[key('list'), index(-4)], []],
    [[key('list'), key('1')], ['y']],
    [[key('list'), key('01')], []],
    [[key('missing'), key('x')], []],
    [
      [key('a'), any, any, key('c')],
      [1, 2],
    ],
    [[key('toString')], []],
    [[key('list'), key('length')], []],
  ])('%j', (path, expected) => {
    expect(selectJsonPath(parsed, path)).toEqual(expected);
  });

  it('finds an own "__proto__" key and never the prototype', () => {
    const withProto = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(selectJsonPath(withProto, [key('__proto__'), key('x')])).toEqual([1]);
    expect(selectJsonPath({}, [key('__proto__')])).toEqual([]);
  });

  it('selects nothing below scalars', () => {
    expect(selectJsonPath('text', [key('length')])).toEqual([]);
    expect(selectJsonPath(null, [any])).toEqual([]);
    expect(selectJsonPath(3, [index(0)])).toEqual([]);
  });
});

describe('formatJsonPath', () => {
  it('writes plain keys with dots and the rest in brackets', () => {
    expect(formatJsonPath([])).toBe('$');
    expect(
      formatJsonPath([key('a'), index(0), any, key('b-c'), key('x y'), key('0'), key('$')]),
    ).toBe('$.a[0][*].b-c["x y"]["0"]["$"]');
    expect(formatJsonPath([key('say "hi"')])).toBe('$["say \\"hi\\""]');
  });
});
