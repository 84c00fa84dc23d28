/** From a recorded entry to what "Resend" sends, and back from the edit box (pure, tested). */
import type { WireEntry } from '../../../../shared/model/wire.ts';
import type { SentMessage } from '../../../../shared/model/replay.ts';
import { bytesToBase64 } from './payload.ts';

/** Only messages can go again: WebSocket text/binary and SSE events. */
export function canResend(entry: WireEntry): boolean {
  return entry.kind === 'text' || entry.kind === 'binary' || entry.kind === 'event';
}

/** What the edit box starts with: the text, the bytes as base64, or the event's data. */
export function editableOf(entry: WireEntry): SentMessage {
  if (entry.kind === 'binary') {
    return {
      kind: 'binary',
      base64:
        entry.payloadEncoding === 'base64'
          ? entry.payload
          : bytesToBase64(new TextEncoder().encode(entry.payload)),
    };
  }
  if (entry.kind === 'event') {
    const event: SentMessage = { kind: 'event', data: entry.payload };
    if (entry.sse && entry.sse.event !== 'message') event.event = entry.sse.event;
    if (entry.sse?.id !== undefined) event.id = entry.sse.id;
    return event;
  }
  return { kind: 'text', text: entry.payload };
}

/** The body of a message as the edit box shows it. */
export function bodyOf(message: SentMessage): string {
  return message.kind === 'text'
    ? message.text
    : message.kind === 'binary'
      ? message.base64
      : message.data;
}

/** The message with its body replaced by what the user typed; an error for bad base64. */
export function withBody(message: SentMessage, body: string): SentMessage | string {
  if (message.kind === 'text') return { kind: 'text', text: body };
  if (message.kind === 'event') return { ...message, data: body };
  const compact = body.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact))
    return 'Binary messages are edited as base64 (A–Z a–z 0–9 + / with = padding).';
  return { kind: 'binary', base64: compact };
}

export const interventionLabels = {
  injected: 'Injected by Telltale',
  edited: 'Edited in flight (the payload is what was forwarded)',
  dropped: 'Dropped: held and never forwarded',
} as const;
