/**
 * Decoded msgpack / CBOR values as JSON-safe trees: what crosses the API (the headless server's
 * transport is JSON), goes into exports and into the detail pane. Values JSON has no word for
 * become one-key objects whose key starts with `$` (a real map with such a key becomes `$map`,
 * so a `$` node is never a map in disguise):
 *
 *   {"$bytes": "00ff…", "length": n}        binary string (hex, first `maxBytesShown` bytes)
 *   {"$ext": type, "data": {"$bytes"…}}      msgpack extension
 *   {"$timestamp": "2024-…Z"}                msgpack timestamp extension (-1)
 *   {"$tag": n, "value": tree}               CBOR tag
 *   {"$simple": n} · {"$undefined": true}    CBOR simple values
 *   {"$float": "NaN" | "Infinity" | "-Infinity"}
 *   {"$bigint": "123…"}                      integers beyond 2^53
 *   {"$map": [[key, value], …]}              maps with a non-string (or `$`/`__proto__`) key
 *   {"$more": n}                             n items left out (depth or size bound)
 *
 * Bounded: depth, node count, string and bytes previews. Never throws.
 */

export interface TreeLimits {
  /** Containers deeper than this are replaced by `{"$more": size}`. */
  maxDepth: number;
  /** Nodes converted at most; later items become `{"$more": n}`. */
  maxNodes: number;
  /** Characters of a string kept. */
  maxStringChars: number;
  /** Bytes of a binary value shown as hex. */
  maxBytesShown: number;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = {
  maxDepth: 64,
  maxNodes: 20_000,
  maxStringChars: 16_384,
  maxBytesShown: 256,
};

/** Small limits for one-line previews on the hot path (dissector fields and summaries). */
export const PREVIEW_TREE_LIMITS: TreeLimits = {
  maxDepth: 8,
  maxNodes: 200,
  maxStringChars: 200,
  maxBytesShown: 16,
};

export interface ConvertedTree {
  tree: unknown;
  /** Something was left out or clipped. */
  truncated: boolean;
}

/**
 * Recognises the decoders' own classes without importing them here (they are passed in, so
 * this file stays free of the decoder packages and trivially testable).
 */
export interface ValueKinds {
  /** A CBOR tag: its number and contents. */
  tag?: (value: object) => { tag: number | bigint; contents: unknown } | undefined;
  /** A CBOR simple value. */
  simple?: (value: object) => number | undefined;
  /** A msgpack extension: its type and data. */
  ext?: (value: object) => { type: number; data: Uint8Array } | undefined;
  /**
   * A map key that stands for a non-string key kept aside while decoding (msgpack's decoder only
   * builds objects): the original key, or undefined for a real string key.
   */
  mapKey?: (key: string) => { key: unknown } | undefined;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexOf(bytes: Uint8Array, max = bytes.length): string {
  let out = '';
  const end = Math.min(max, bytes.length);
  for (let i = 0; i < end; i++) out += HEX[bytes[i] ?? 0] ?? '';
  return out;
}

/** Converts a decoded value; never throws (a failure becomes a clipped tree). */
export function toTree(
  value: unknown,
  limits: TreeLimits = DEFAULT_TREE_LIMITS,
  kinds: ValueKinds = {},
): ConvertedTree {
  const state = { nodes: 0, truncated: false };
  try {
    return { tree: convert(value, 0, limits, kinds, state), truncated: state.truncated };
  } catch {
    return { tree: { $more: 1 }, truncated: true };
  }
}

interface State {
  nodes: number;
  truncated: boolean;
}

function convert(
  value: unknown,
  depth: number,
  limits: TreeLimits,
  kinds: ValueKinds,
  state: State,
): unknown {
  state.nodes++;
  switch (typeof value) {
    case 'string':
      if (value.length <= limits.maxStringChars) return value;
      state.truncated = true;
      return `${value.slice(0, limits.maxStringChars)}…`;
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      return { $float: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : { $bigint: value.toString() };
    case 'undefined':
      return { $undefined: true };
    case 'object':
      break;
    default:
      // Functions and symbols never come out of a decoder; named, not dropped.
      return { $unknown: typeof value };
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return bytesNode(value, limits, state);
  if (value instanceof Date) {
    const time = value.getTime();
    return { $timestamp: Number.isNaN(time) ? 'invalid' : value.toISOString() };
  }
  const tag = kinds.tag?.(value);
  if (tag !== undefined) {
    return {
      $tag: typeof tag.tag === 'bigint' ? tag.tag.toString() : tag.tag,
      value: convert(tag.contents, depth + 1, limits, kinds, state),
    };
  }
  const simple = kinds.simple?.(value);
  if (simple !== undefined) return { $simple: simple };
  const ext = kinds.ext?.(value);
  if (ext !== undefined) return { $ext: ext.type, data: bytesNode(ext.data, limits, state) };
  if (Array.isArray(value)) return arrayNode(value as unknown[], depth, limits, kinds, state);
  if (value instanceof Map) {
    return mapNode([...(value as Map<unknown, unknown>).entries()], depth, limits, kinds, state);
  }
  return mapNode(
    Object.entries(value).map(([key, item]): [unknown, unknown] => {
      const aside = kinds.mapKey?.(key);
      return [aside === undefined ? key : aside.key, item];
    }),
    depth,
    limits,
    kinds,
    state,
  );
}

function bytesNode(bytes: Uint8Array, limits: TreeLimits, state: State): unknown {
  if (bytes.length > limits.maxBytesShown) state.truncated = true;
  return { $bytes: hexOf(bytes, limits.maxBytesShown), length: bytes.length };
}

function room(limits: TreeLimits, state: State): number {
  return Math.max(0, limits.maxNodes - state.nodes);
}

function arrayNode(
  items: readonly unknown[],
  depth: number,
  limits: TreeLimits,
  kinds: ValueKinds,
  state: State,
): unknown {
  if (depth >= limits.maxDepth && items.length > 0) {
    state.truncated = true;
    return { $more: items.length };
  }
  const out: unknown[] = [];
  for (const item of items) {
    if (room(limits, state) === 0) {
      state.truncated = true;
      out.push({ $more: items.length - out.length });
      break;
    }
    out.push(convert(item, depth + 1, limits, kinds, state));
  }
  return out;
}

function isPlainKey(key: unknown): key is string {
  return typeof key === 'string' && !key.startsWith('$') && key !== '__proto__';
}

function mapNode(
  entries: readonly [unknown, unknown][],
  depth: number,
  limits: TreeLimits,
  kinds: ValueKinds,
  state: State,
): unknown {
  if (depth >= limits.maxDepth && entries.length > 0) {
    state.truncated = true;
    return { $more: entries.length };
  }
  const plain = entries.every(([key]) => isPlainKey(key));
  const pairs: [unknown, unknown][] = [];
  const object: Record<string, unknown> = {};
  let taken = 0;
  for (const [key, item] of entries) {
    if (room(limits, state) === 0) {
      state.truncated = true;
      const more = { $more: entries.length - taken };
      if (plain) object.$more = more.$more;
      else pairs.push([more, null]);
      break;
    }
    taken++;
    if (plain) {
      object[key as string] = convert(item, depth + 1, limits, kinds, state);
    } else {
      const keyTree = convert(key, depth + 1, limits, kinds, state);
      pairs.push([keyTree, convert(item, depth + 1, limits, kinds, state)]);
    }
  }
  return plain ? object : { $map: pairs };
}
