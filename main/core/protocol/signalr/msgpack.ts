/**
 * A SignalR MessagePack hub message (an array: `[1, Headers, InvocationId, Target, [Arguments],
 * [StreamIds]?]`, `[3, Headers, InvocationId, ResultKind, Result?]` …) read into the JSON
 * encoding's object shape, so both encodings are named, summarised and paired by the same code.
 * Values become JSON-safe trees (bytes, extensions, big integers as `$` nodes), clipped by
 * `limits`: small ones for summaries on the hot path, full ones for an opened entry.
 */
import { decodeMsgpack } from '../payload-tree/decode.ts';
import { toTree, type TreeLimits } from '../payload-tree/tree.ts';
import { SIGNALR_TYPES } from './messages.ts';

export type MsgpackMessage =
  { ok: true; value: Record<string, unknown> } | { ok: false; code: string; message: string };

/** Completion result kinds. */
const ERROR_RESULT = 1;
const VOID_RESULT = 2;
const NON_VOID_RESULT = 3;

function bad(code: string, message: string): MsgpackMessage {
  return { ok: false, code, message };
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function isStringMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readMsgpackMessage(body: Uint8Array, limits: TreeLimits): MsgpackMessage {
  const decoded = decodeMsgpack(body);
  if (!decoded.ok) return bad('signalr.msgpack', decoded.message);
  const array = decoded.value;
  if (!Array.isArray(array) || array.length === 0) {
    return bad('signalr.not-array', 'a MessagePack hub message must be a non-empty array');
  }
  const items = array as unknown[];
  const tree = (value: unknown) => toTree(value, limits, decoded.kinds).tree;
  const type = integer(items[0]);
  if (type === undefined) return bad('signalr.type', 'the message type is not an integer');
  const shape = (what: string) => bad('signalr.shape', `${name(type)}: ${what}`);
  const out: Record<string, unknown> = { type };
  const headers = (value: unknown): boolean => {
    if (!isStringMap(value)) return false;
    if (Object.keys(value).length > 0) out.headers = tree(value);
    return true;
  };
  const id = (value: unknown, optional: boolean): boolean => {
    if (typeof value === 'string') out.invocationId = value;
    else if (!(optional && value === null)) return false;
    return true;
  };
  switch (type) {
    case 1:
    case 4: {
      if (items.length < 5) return shape(`${items.length} items, 5 or 6 expected`);
      if (!headers(items[1])) return shape('headers are not a map');
      if (!id(items[2], type === 1)) return shape('the invocation id is not a string');
      if (typeof items[3] !== 'string')
        return bad('signalr.target', `${name(type)} without a target`);
      out.target = items[3];
      if (!Array.isArray(items[4])) return shape('the arguments are not an array');
      out.arguments = tree(items[4]);
      if (items.length > 5) {
        if (!Array.isArray(items[5])) return shape('the stream ids are not an array');
        if (items[5].length > 0) out.streamIds = tree(items[5]);
      }
      return { ok: true, value: out };
    }
    case 2:
      if (items.length < 4) return shape(`${items.length} items, 4 expected`);
      if (!headers(items[1])) return shape('headers are not a map');
      if (!id(items[2], false)) return bad('signalr.id', 'StreamItem without an invocation id');
      out.item = tree(items[3]);
      return { ok: true, value: out };
    case 3: {
      if (items.length < 4) return shape(`${items.length} items, 4 or 5 expected`);
      if (!headers(items[1])) return shape('headers are not a map');
      if (!id(items[2], false)) return bad('signalr.id', 'Completion without an invocation id');
      const kind = integer(items[3]);
      if (kind === ERROR_RESULT) {
        if (typeof items[4] !== 'string') return shape('an error result without its message');
        out.error = items[4];
      } else if (kind === NON_VOID_RESULT) {
        if (items.length < 5) return shape('a non-void result without its value');
        out.result = tree(items[4]);
      } else if (kind !== VOID_RESULT) {
        return shape(`result kind ${String(items[3])} (1, 2 or 3 expected)`);
      }
      return { ok: true, value: out };
    }
    case 5:
      if (items.length < 3) return shape(`${items.length} items, 3 expected`);
      if (!headers(items[1])) return shape('headers are not a map');
      if (!id(items[2], false))
        return bad('signalr.id', 'CancelInvocation without an invocation id');
      return { ok: true, value: out };
    case 6:
      return { ok: true, value: out };
    case 7:
      if (items.length < 2) return shape('no error item');
      if (typeof items[1] === 'string') out.error = items[1];
      else if (items[1] !== null) return shape('the error is not a string');
      if (items.length > 2) {
        if (typeof items[2] !== 'boolean') return shape('allowReconnect is not a boolean');
        out.allowReconnect = items[2];
      }
      return { ok: true, value: out };
    case 8:
    case 9: {
      const sequenceId = integer(items[1]);
      if (sequenceId === undefined) return shape('the sequence id is not an integer');
      out.sequenceId = sequenceId;
      return { ok: true, value: out };
    }
    default:
      return bad('signalr.type', `unknown message type ${String(type)}`);
  }
}

function name(type: number): string {
  return SIGNALR_TYPES[type] ?? `type ${String(type)}`;
}
