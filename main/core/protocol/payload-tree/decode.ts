/**
 * msgpack and CBOR payloads as trees: bytes that decode cleanly and completely (no bytes left
 * over) as one of them, to a map or an array (or a CBOR tag around one), become a JSON-safe tree
 * (tree.ts). A lone scalar is not taken: a byte or two of anything decodes as some msgpack
 * number or CBOR tag, and calling those a tree would mislabel most binary frames.
 */
import { decode as decodeCbor, Simple, Tag } from 'cbor2';
import { Decoder, ExtData } from '@msgpack/msgpack';
import type { PayloadTree, PayloadTreeFormat } from '../../../../shared/api.ts';
import { DEFAULT_TREE_LIMITS, toTree, type TreeLimits, type ValueKinds } from './tree.ts';

/** Larger payloads are not decoded at all (a tree of them would be clipped anyway). */
export const MAX_TREE_INPUT_BYTES = 4 * 1024 * 1024;
/** CBOR nesting the decoder accepts (its own bound is 1024). */
const CBOR_MAX_DEPTH = 256;

export interface PayloadTreeOptions {
  /** Tried first (a content type or subprotocol said so); both are tried either way. */
  hint?: PayloadTreeFormat;
  limits?: TreeLimits;
}

/** The payload as a tree, or undefined when it is neither msgpack nor CBOR. Never throws. */
export function payloadTree(
  bytes: Uint8Array,
  options: PayloadTreeOptions = {},
): PayloadTree | undefined {
  if (bytes.length === 0 || bytes.length > MAX_TREE_INPUT_BYTES) return undefined;
  const order: PayloadTreeFormat[] =
    options.hint === 'cbor' ? ['cbor', 'msgpack'] : ['msgpack', 'cbor'];
  for (const format of order) {
    const tree =
      format === 'msgpack' ? msgpackTree(bytes, options.limits) : cborTree(bytes, options.limits);
    if (tree !== undefined) return tree;
  }
  return undefined;
}

// ── msgpack ─────────────────────────────────────────────────────────────────

/** Stands in an object for a key kept aside: `\u0000<index>`. */
const ASIDE = '\u0000';
const INDEX_LIKE = /^(?:0|[1-9]\d{0,9})$/;

export type MsgpackDecoded =
  { ok: true; value: unknown; kinds: ValueKinds } | { ok: false; message: string };

/**
 * One msgpack value, decoded with limits that follow the input's length (no length field may
 * promise more than the bytes hold): `ok` false when the bytes are not exactly one value. The
 * decoder only builds objects with string or number keys, so every other key (and every number
 * key, so that 1 and "1" stay apart, and every "1"-like string, which an object would reorder)
 * is kept aside and stands in the object as `\u0000<index>`;
 * `kinds` puts the real key back when the value becomes a tree (a `$map`). Also used by the
 * SignalR dissector for its message bodies. Never throws.
 */
export function decodeMsgpack(bytes: Uint8Array): MsgpackDecoded {
  const aside: unknown[] = [];
  const length = bytes.length;
  const kinds: ValueKinds = {
    ext: (value) =>
      value instanceof ExtData
        ? {
            type: value.type,
            data: value.data instanceof Uint8Array ? value.data : new Uint8Array(0),
          }
        : undefined,
    mapKey: (key) => {
      if (!key.startsWith(ASIDE)) return undefined;
      const index = Number(key.slice(1));
      return Number.isInteger(index) && index < aside.length ? { key: aside[index] } : undefined;
    },
  };
  try {
    const decoder = new Decoder({
      useBigInt64: true,
      maxStrLength: length,
      maxBinLength: length,
      maxArrayLength: length,
      maxMapLength: length,
      maxExtLength: length,
      mapKeyConverter: (key: unknown) => {
        // Array-index-like strings too: an object would move them first.
        if (typeof key === 'string' && !key.startsWith(ASIDE) && !INDEX_LIKE.test(key)) return key;
        aside.push(key);
        return `${ASIDE}${String(aside.length - 1)}`;
      },
    });
    return { ok: true, value: decoder.decode(bytes), kinds };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function msgpackTree(bytes: Uint8Array, limits = DEFAULT_TREE_LIMITS): PayloadTree | undefined {
  const decoded = decodeMsgpack(bytes);
  if (!decoded.ok || !isContainer(decoded.value)) return undefined;
  const { tree, truncated } = toTree(decoded.value, limits, decoded.kinds);
  return { format: 'msgpack', tree, truncated };
}

// ── CBOR ────────────────────────────────────────────────────────────────────

const cborKinds: ValueKinds = {
  tag: (value) =>
    value instanceof Tag
      ? {
          // A boxed Number when decoded with `boxed`; never here, but the type allows it.
          tag: typeof value.tag === 'bigint' ? value.tag : Number(value.tag),
          contents: value.contents,
        }
      : undefined,
  simple: (value) => (value instanceof Simple ? value.value : undefined),
};

function cborTree(bytes: Uint8Array, limits = DEFAULT_TREE_LIMITS): PayloadTree | undefined {
  let value: unknown;
  try {
    // Maps as Map (keys of any type), tags as Tag (shown as the wire said, not interpreted).
    value = decodeCbor(bytes, {
      preferMap: true,
      ignoreGlobalTags: true,
      maxDepth: CBOR_MAX_DEPTH,
    });
  } catch {
    return undefined;
  }
  let inner = value;
  while (inner instanceof Tag) inner = inner.contents;
  if (!isContainer(inner)) return undefined;
  const { tree, truncated } = toTree(value, limits, cborKinds);
  return { format: 'cbor', tree, truncated };
}

function isContainer(value: unknown): boolean {
  return (
    Array.isArray(value) ||
    value instanceof Map ||
    (typeof value === 'object' &&
      value !== null &&
      Object.getPrototypeOf(value) === Object.prototype)
  );
}
