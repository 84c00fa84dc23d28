/**
 * Decoder outputs → timeline entries. Events and comments become `event` / `comment` entries; an
 * unterminated block at the end of the stream becomes an `error` entry holding what it held (its
 * notes say why); a retry value is stream state for the client, not an entry.
 */
import type { Direction, NewEntry } from '../../../../shared/model/entry.ts';
import type { SseOutput } from './sse-output.ts';
import { utf8Length } from './utf8.ts';

export interface SseEntryContext {
  connectionId: string;
  /** Epoch milliseconds with sub-millisecond precision. */
  time: number;
  /** Server-sent events flow toward the client: `in`, unless replaying the other way. */
  direction?: Direction;
}

export function sseOutputToEntry(out: SseOutput, ctx: SseEntryContext): NewEntry | undefined {
  const base = { connectionId: ctx.connectionId, time: ctx.time, direction: ctx.direction ?? 'in' };
  switch (out.kind) {
    case 'event': {
      const entry: NewEntry = {
        ...base,
        kind: 'event',
        payload: out.payload,
        payloadSize: out.payloadSize,
        wireSize: out.wireSize,
        sse: out.sse,
      };
      if (out.notes !== undefined) entry.notes = out.notes;
      return entry;
    }
    case 'comment': {
      const entry: NewEntry = {
        ...base,
        kind: 'comment',
        payload: out.payload,
        payloadSize: out.payloadSize,
        wireSize: out.wireSize,
      };
      if (out.notes !== undefined) entry.notes = out.notes;
      return entry;
    }
    case 'incomplete': {
      // What the block held: its data, or the unfinished line when there is no data yet.
      const showLine = out.payload === '' && out.partialLine !== undefined;
      const payload = showLine ? (out.partialLine ?? '') : out.payload;
      return {
        ...base,
        kind: 'error',
        payload,
        payloadSize: showLine ? utf8Length(payload) : out.payloadSize,
        wireSize: out.wireSize,
        sse: out.sse,
        notes: out.notes,
      };
    }
    case 'retry':
      return undefined;
  }
}
