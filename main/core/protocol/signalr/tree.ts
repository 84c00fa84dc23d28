/**
 * The decoded trees of an opened SignalR entry, one per protocol message: the JSON record as
 * sent, or a MessagePack message in the JSON encoding's shape with its values as full JSON-safe
 * trees. Read from the entry alone (records are whole per message, as the spec requires); when
 * the entry's records do not line up with its messages (one began in an earlier message), there
 * are no trees rather than wrong ones. Malformed messages have none.
 */
import type { Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { dataBytes, utf8 } from '../dissect/bytes.ts';
import { isRecord, parseJson } from '../dissect/text.ts';
import { DEFAULT_TREE_LIMITS } from '../payload-tree/tree.ts';
import { nextRecord } from './framing.ts';
import { SIGNALR_TYPES } from './messages.ts';
import { readMsgpackMessage } from './msgpack.ts';

export function signalRTrees(entry: Entry, messages: readonly ProtocolMessage[]): unknown[] {
  const none = messages.map(() => undefined);
  const bytes = dataBytes(entry);
  if (bytes === undefined) return none;
  if (messages.length === 1 && messages[0]?.kind === 'NegotiateResponse') {
    const parsed = parseJson(utf8.decode(bytes));
    return [parsed.ok ? parsed.value : undefined];
  }
  const text = entry.kind !== 'binary';
  const trees: unknown[] = [];
  let rest = bytes;
  while (rest.length > 0 && trees.length < messages.length) {
    const step = nextRecord(rest, text);
    if (step.kind === 'more' || step.kind === 'error') break;
    rest = rest.subarray(step.size);
    if (step.kind === 'json') {
      const parsed = parseJson(utf8.decode(step.body));
      trees.push(parsed.ok ? parsed.value : undefined);
    } else {
      const read = readMsgpackMessage(step.body, DEFAULT_TREE_LIMITS);
      trees.push(read.ok ? read.value : undefined);
    }
  }
  // What is left unread can only be messages about bytes that made no record (too large, cut).
  for (let i = trees.length; i < messages.length; i++) {
    if (messages[i]?.malformed === undefined) return none;
    trees.push(undefined);
  }
  return messages.every((message, i) => fits(message, trees[i])) ? trees : none;
}

/** The record read here is the message the dissector saw at this position. */
function fits(message: ProtocolMessage, tree: unknown): boolean {
  if (message.malformed !== undefined) return true;
  if (!isRecord(tree)) return false;
  if (message.kind === 'HandshakeRequest' || message.kind === 'HandshakeResponse')
    return !('type' in tree);
  return typeof tree.type === 'number' && SIGNALR_TYPES[tree.type] === message.kind;
}
