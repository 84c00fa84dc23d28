/** Rows for tests and benches: deterministic, cheap to make by the million. */
import type { EntryRow } from '../../../shared/model/wire.ts';

export function makeRow(seq: number, patch: Partial<EntryRow> = {}): EntryRow {
  return {
    seq,
    connectionId: 'c1',
    time: 1_700_000_000_000 + seq,
    direction: seq % 2 === 0 ? 'out' : 'in',
    kind: 'text',
    payloadSize: 10,
    wireSize: 12,
    preview: `message ${seq}`,
    flags: 0,
    ...patch,
  };
}

export function makeRows(from: number, count: number, patch: Partial<EntryRow> = {}): EntryRow[] {
  return Array.from({ length: count }, (_, i) => makeRow(from + i, patch));
}
