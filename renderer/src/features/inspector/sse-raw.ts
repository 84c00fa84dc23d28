/** The event as it would read on the wire (field order: event, id, retry, data lines). */
import type { WireEntry } from '../../../../shared/model/wire.ts';

export function rawEventText(entry: WireEntry, text: string): string {
  if (entry.kind === 'comment')
    return text
      .split('\n')
      .map((line) => `:${line}`)
      .join('\n');
  const sse = entry.sse;
  const lines: string[] = [];
  if (sse && sse.event !== 'message') lines.push(`event: ${sse.event}`);
  if (sse?.id !== undefined) lines.push(`id: ${sse.id}`);
  if (sse?.retry !== undefined) lines.push(`retry: ${sse.retry}`);
  for (const line of text.split('\n')) lines.push(`data: ${line}`);
  return lines.join('\n');
}
