import type { Entry, Payload } from '../../../shared/model/entry.ts';

/** A message Telltale sends itself: resent, injected into a proxied stream, or forwarded edited. */
export type OutgoingMessage =
  | { kind: 'text'; payload: string }
  | { kind: 'binary'; payload: Uint8Array }
  | { kind: 'event'; payload: string; event?: string; id?: string };

/** The message an entry carried, or `edited` in its place (text stays text when a string). */
export function outgoingFromEntry(entry: Entry, edited?: Payload): OutgoingMessage | undefined {
  const payload = edited ?? entry.payload;
  if (entry.kind === 'event') {
    const message: OutgoingMessage = { kind: 'event', payload: textOf(payload) };
    if (entry.sse?.event !== undefined && entry.sse.event !== 'message')
      message.event = entry.sse.event;
    if (entry.sse?.id !== undefined) message.id = entry.sse.id;
    return message;
  }
  if (entry.kind === 'text') return { kind: 'text', payload: textOf(payload) };
  if (entry.kind === 'binary') {
    return {
      kind: 'binary',
      payload: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
    };
  }
  return undefined;
}

function textOf(payload: Payload): string {
  return typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
}

export function outgoingBytes(message: OutgoingMessage): Buffer {
  return typeof message.payload === 'string'
    ? Buffer.from(message.payload, 'utf8')
    : Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength);
}
