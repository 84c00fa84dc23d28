/**
 * Where a replay's server side differs from the recording's: the server's messages (or events)
 * are lined up by position, and each position either matches, changed, is missing from the run
 * or is extra in it.
 */
import type { Entry } from '../../../shared/model/entry.ts';

export type DifferenceKind = 'changed' | 'missing' | 'extra';

export interface ReplayDifference {
  /** Position among the server's messages (0-based). */
  index: number;
  kind: DifferenceKind;
  recordedSeq?: number;
  replayedSeq?: number;
  /** Short previews (text, or hex for bytes) for a report. */
  recorded?: string;
  replayed?: string;
}

export interface ReplayComparison {
  recorded: number;
  replayed: number;
  matched: number;
  differences: ReplayDifference[];
}

const previewLength = 120;

export function preview(entry: Entry): string {
  if (typeof entry.payload === 'string') {
    return entry.payload.length > previewLength
      ? `${entry.payload.slice(0, previewLength)}…`
      : entry.payload;
  }
  const hex = Buffer.from(entry.payload.subarray(0, previewLength / 2)).toString('hex');
  return `0x${hex}${entry.payload.length > previewLength / 2 ? '…' : ''}`;
}

function bytesOf(entry: Entry): Buffer {
  return typeof entry.payload === 'string'
    ? Buffer.from(entry.payload, 'utf8')
    : Buffer.from(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength);
}

function same(a: Entry, b: Entry): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'event' && (a.sse?.event !== b.sse?.event || a.sse?.id !== b.sse?.id))
    return false;
  return bytesOf(a).equals(bytesOf(b));
}

export function compareServerMessages(recorded: Entry[], replayed: Entry[]): ReplayComparison {
  const differences: ReplayDifference[] = [];
  let matched = 0;
  const length = Math.max(recorded.length, replayed.length);
  for (let index = 0; index < length; index++) {
    const r = recorded[index];
    const p = replayed[index];
    if (r && p) {
      if (same(r, p)) matched += 1;
      else
        differences.push({
          index,
          kind: 'changed',
          recordedSeq: r.seq,
          replayedSeq: p.seq,
          recorded: preview(r),
          replayed: preview(p),
        });
    } else if (r) {
      differences.push({ index, kind: 'missing', recordedSeq: r.seq, recorded: preview(r) });
    } else if (p) {
      differences.push({ index, kind: 'extra', replayedSeq: p.seq, replayed: preview(p) });
    }
  }
  return { recorded: recorded.length, replayed: replayed.length, matched, differences };
}
