/**
 * Recorded SSE entries back to `text/event-stream` text. What the decoder joined is split again:
 * one `data:` line per line of the payload (any of CR, LF, CRLF ended a line on the way in; LF is
 * written), `id:` only where the event itself carried one, `event:` only when it was not the
 * default type.
 */
import type { Entry } from '../../../shared/model/entry.ts';

function payloadText(entry: Entry): string {
  return typeof entry.payload === 'string'
    ? entry.payload
    : Buffer.from(entry.payload).toString('utf8');
}

/** The event block of one `event` or `comment` entry, blank line included; '' for others. */
export function serializeSseEntry(entry: Entry): string {
  const text = payloadText(entry);
  if (entry.kind === 'comment') {
    return (
      text
        .split(/\r\n|\r|\n/)
        .map((line) => `:${line === '' ? '' : ` ${line}`}\n`)
        .join('') + '\n'
    );
  }
  if (entry.kind !== 'event') return '';
  let block = '';
  const sse = entry.sse;
  if (sse?.event !== undefined && sse.event !== 'message') block += `event: ${sse.event}\n`;
  if (sse?.id !== undefined) block += `id: ${sse.id}\n`;
  if (sse?.retry !== undefined) block += `retry: ${String(sse.retry)}\n`;
  for (const line of text.split(/\r\n|\r|\n/)) block += `data: ${line}\n`;
  return block + '\n';
}
