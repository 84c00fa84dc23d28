/**
 * The full decoded tree of one entry's protocol messages, built when the entry is opened (never
 * stored): the JSON a message carried, and for Socket.IO binary packets the arguments with their
 * attachments joined back into the placeholders. Protocols read from a byte stream (STOMP, MQTT)
 * have no tree beyond their fields: a frame may span entries, so the fields are the view.
 */
import type { Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolAnnotation } from '../../../../shared/model/protocol.ts';
import { signalRTrees } from '../signalr/tree.ts';
import { joinAttachments, parseSioPacket } from '../socketio/socketio-packet.ts';
import { dataText, parseJson } from './text.ts';

export interface ProtocolDetail {
  annotation: ProtocolAnnotation;
  /** Per message (same order as `annotation.messages`): its decoded value, when it has one. */
  trees: unknown[];
}

/**
 * `entry` is the annotated entry; `following` yields the later entries of its connection, read
 * only as far as a Socket.IO binary packet's attachments go.
 */
export function detailOf(
  annotation: ProtocolAnnotation,
  entry: Entry,
  following: () => Iterable<Entry>,
): ProtocolDetail {
  const text = dataText(entry);
  // SignalR reads its records from bytes too (MessagePack), all of the entry's at once.
  const signalr = annotation.messages.some((m) => m.protocol === 'signalr')
    ? signalRTrees(entry, annotation.messages)
    : undefined;
  const trees = annotation.messages.map((message): unknown => {
    if (message.malformed !== undefined) return undefined;
    if (message.protocol === 'signalr') return signalr?.[message.index];
    if (text === undefined) return undefined;
    switch (message.protocol) {
      case 'jsonrpc': {
        const parsed = parseJson(text);
        if (!parsed.ok) return undefined;
        return Array.isArray(parsed.value)
          ? (parsed.value as unknown[])[message.index]
          : parsed.value;
      }
      case 'graphql-transport-ws':
      case 'subscriptions-transport-ws': {
        const parsed = parseJson(text);
        return parsed.ok ? parsed.value : undefined;
      }
      case 'socketio':
        return socketIoTree(text, message.index, entry, following);
      case 'stomp':
      case 'mqtt':
        return undefined;
    }
  });
  return { annotation, trees };
}

/**
 * A WebSocket message is one Engine.IO packet; a polling body holds several, separated by 0x1e
 * (which JSON never leaves raw), binary ones as `b` + base64 — attachments then follow their
 * packet in the same body.
 */
function socketIoTree(
  body: string,
  index: number,
  entry: Entry,
  following: () => Iterable<Entry>,
): unknown {
  const parts = body.split('\x1e');
  const text = parts.length > 1 ? (parts[index] ?? '') : body;
  if (!text.startsWith('4')) {
    const parsed = text.length > 1 ? parseJson(text.slice(1)) : undefined;
    return parsed?.ok === true ? parsed.value : undefined;
  }
  const parsed = parseSioPacket(text.slice(1));
  if (!parsed.ok) return undefined;
  const packet = parsed.packet;
  const wanted = packet.attachments ?? 0;
  if (wanted === 0) return packet;
  const attachments: Uint8Array[] = [];
  for (const part of parts.length > 1 ? parts.slice(index + 1) : []) {
    if (attachments.length >= wanted || !part.startsWith('b')) break;
    attachments.push(new Uint8Array(Buffer.from(part.slice(1), 'base64')));
  }
  if (attachments.length >= wanted) {
    return { ...packet, data: joinAttachments(packet.data, attachments) };
  }
  for (const next of following()) {
    if (next.direction !== entry.direction) continue;
    if (next.kind !== 'binary' || typeof next.payload === 'string') break;
    attachments.push(next.payload);
    if (attachments.length >= wanted) break;
  }
  return { ...packet, data: joinAttachments(packet.data, attachments) };
}
