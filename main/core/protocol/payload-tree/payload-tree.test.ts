import { encode as encodeMsgpack, ExtData } from '@msgpack/msgpack';
import { encode as encodeCbor, Simple, Tag } from 'cbor2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { payloadTree } from './decode.ts';
import { DEFAULT_TREE_LIMITS, toTree } from './tree.ts';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const jsonSafe = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('payloadTree: msgpack', () => {
  it('maps, arrays and scalars come out as JSON', () => {
    const value = { name: 'ann', n: [1, -2, 3.5, true, null], nested: { deep: ['x'] } };
    expect(payloadTree(encodeMsgpack(value))).toEqual({
      format: 'msgpack',
      tree: value,
      truncated: false,
    });
  });

  it('bytes, extensions, timestamps, 64-bit integers and non-finite floats get $ nodes', () => {
    const bytes = encodeMsgpack(
      [
        new Uint8Array([0, 1, 255]),
        new ExtData(7, new Uint8Array([9, 9])),
        new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
        18446744073709551615n,
        5n,
        NaN,
        -Infinity,
      ],
      { useBigInt64: true },
    );
    const result = payloadTree(bytes);
    expect(result?.tree).toEqual([
      { $bytes: '0001ff', length: 3 },
      { $ext: 7, data: { $bytes: '0909', length: 2 } },
      { $timestamp: '2024-01-02T03:04:05.000Z' },
      { $bigint: '18446744073709551615' },
      5,
      { $float: 'NaN' },
      { $float: '-Infinity' },
    ]);
    expect(jsonSafe(result)).toEqual(result);
  });

  it('maps with non-string keys keep their keys (1 and "1" apart), in order', () => {
    // {1: "a", "1": "b", nil: "c", [1,2]: "d"} written by hand: the encoder only takes objects.
    const bytes = hex('84 01 a1 61 a1 31 a1 62 c0 a1 63 92 01 02 a1 64');
    expect(payloadTree(bytes)?.tree).toEqual({
      $map: [
        [1, 'a'],
        ['1', 'b'],
        [null, 'c'],
        [[1, 2], 'd'],
      ],
    });
  });

  it('a map with a key that looks like a $ node is a $map, never a node in disguise', () => {
    expect(payloadTree(encodeMsgpack({ $bytes: 'ab', length: 1 }))?.tree).toEqual({
      $map: [
        ['$bytes', 'ab'],
        ['length', 1],
      ],
    });
  });

  it('only a whole map or array: scalars, extra bytes, truncation and empty input are not trees', () => {
    expect(payloadTree(encodeMsgpack('just a string'))).toBeUndefined();
    expect(payloadTree(hex('05'))).toBeUndefined();
    expect(payloadTree(hex('91 01 02'))).toBeUndefined();
    expect(payloadTree(hex('92 01'))).toBeUndefined();
    expect(payloadTree(new Uint8Array(0))).toBeUndefined();
    // An array promising 4 billion items in 5 bytes.
    expect(payloadTree(hex('dd ff ff ff ff'))).toBeUndefined();
  });

  it('deep nesting and huge arrays are clipped, not refused, and never throw', () => {
    const deep = new Uint8Array(10_001).fill(0x91);
    deep[10_000] = 0x01;
    const result = payloadTree(deep);
    expect(result?.truncated).toBe(true);
    let node = result?.tree;
    let depth = 0;
    while (Array.isArray(node)) {
      node = node[0];
      depth++;
    }
    expect(depth).toBe(DEFAULT_TREE_LIMITS.maxDepth);
    expect(node).toEqual({ $more: 1 });

    const wide = payloadTree(encodeMsgpack(Array.from({ length: 50_000 }, (_, i) => i)));
    const items = wide?.tree as unknown[];
    expect(wide?.truncated).toBe(true);
    expect(items).toHaveLength(DEFAULT_TREE_LIMITS.maxNodes);
    expect(items.at(-1)).toEqual({ $more: 50_000 - (DEFAULT_TREE_LIMITS.maxNodes - 1) });
  });

  it('long strings and bytes are previewed', () => {
    const result = payloadTree(encodeMsgpack(['x'.repeat(20_000), new Uint8Array(1000)]));
    const [text, bytes] = result?.tree as [string, { $bytes: string; length: number }];
    expect(result?.truncated).toBe(true);
    expect(text).toHaveLength(DEFAULT_TREE_LIMITS.maxStringChars + 1);
    expect(bytes.length).toBe(1000);
    expect(bytes.$bytes).toHaveLength(DEFAULT_TREE_LIMITS.maxBytesShown * 2);
  });
});

describe('payloadTree: CBOR', () => {
  it('maps (any keys), tags, simple values and undefined', () => {
    const value = new Map<unknown, unknown>([
      ['a', 1],
      [2, new Tag(1, 1700000000)],
      ['b', [new Simple(16), undefined, new Uint8Array([1])]],
    ]);
    const result = payloadTree(encodeCbor(value));
    expect(result).toEqual({
      format: 'cbor',
      tree: {
        $map: [
          ['a', 1],
          [2, { $tag: 1, value: 1700000000 }],
          ['b', [{ $simple: 16 }, { $undefined: true }, { $bytes: '01', length: 1 }]],
        ],
      },
      truncated: false,
    });
    expect(jsonSafe(result)).toEqual(result);
  });

  it('string-keyed maps are objects; a tag around a container counts, around a scalar does not', () => {
    expect(payloadTree(encodeCbor({ a: [1, 'x'] }))).toMatchObject({
      format: 'cbor',
      tree: { a: [1, 'x'] },
    });
    expect(payloadTree(encodeCbor(new Tag(55799, [1])))).toMatchObject({
      tree: { $tag: 55799, value: [1] },
    });
    // An MQTT PINGREQ (c0 00) reads as CBOR tag 0 around 0: not a tree.
    expect(payloadTree(hex('c0 00'))).toBeUndefined();
  });

  it('bytes that are both: msgpack first unless the hint says CBOR', () => {
    // 0x80: an empty map in msgpack, an empty array in CBOR.
    const both = hex('80');
    expect(payloadTree(both)).toMatchObject({ format: 'msgpack', tree: {} });
    expect(payloadTree(both, { hint: 'cbor' })).toMatchObject({ format: 'cbor', tree: [] });
  });
});

describe('payloadTree: properties', () => {
  it('random bytes never throw, and any tree is JSON-safe', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const result = payloadTree(bytes);
        if (result !== undefined) expect(jsonSafe(result)).toEqual(result);
      }),
      { numRuns: 3000 },
    );
  });

  it('JSON values written as msgpack or CBOR come back as themselves', () => {
    const key = fc.string().filter((k) => !k.startsWith('$') && k !== '__proto__');
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.dictionary(key, tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    const container = fc.oneof(
      fc.array(value, { maxLength: 5 }),
      fc.dictionary(key, value, { maxKeys: 5 }),
    );
    fc.assert(
      fc.property(container, (v) => {
        expect(payloadTree(encodeMsgpack(v))?.tree).toEqual(v);
        expect(payloadTree(encodeCbor(v), { hint: 'cbor' })?.tree).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});

describe('toTree', () => {
  it('never throws, even on values no decoder makes', () => {
    expect(toTree([() => 1, Symbol('s')]).tree).toEqual([
      { $unknown: 'function' },
      { $unknown: 'symbol' },
    ]);
  });
});
