import type { EntryQuery, EntryQueryResult } from '../../../shared/api.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { parseFilter } from '../../../shared/filter/index.ts';
import { compileFilter } from '../filter/compile.ts';
import type { SessionStore } from '../session/store.ts';

/**
 * Runs an EntryQuery over the store: the structured parts (connection, kinds, direction, from)
 * narrow first, the filter language runs over full payloads on what is left.
 */
export function matchEntries(
  store: SessionStore,
  query: EntryQuery,
): EntryQueryResult | { error: string } {
  let predicate: ((entry: Entry) => boolean) | null = null;
  const text = query.filter?.trim() ?? '';
  if (text !== '') {
    const parsed = parseFilter(text);
    if (!parsed.ok)
      return { error: `filter: ${parsed.error.message} (at ${parsed.error.start + 1})` };
    const compiled = compileFilter(parsed.filter);
    predicate = (entry) => compiled(entry, store.getConnection(entry.connectionId));
  }
  const kinds = query.kinds ? new Set(query.kinds) : null;
  const limit = query.limit ?? Infinity;
  const fromSeq = query.fromSeq ?? 1;
  const source = query.connectionId
    ? store.entriesOf(query.connectionId)
    : store.allEntries(fromSeq);
  const seqs: number[] = [];
  let total = 0;
  for (const entry of source) {
    if (entry.seq < fromSeq) continue;
    if (kinds && !kinds.has(entry.kind)) continue;
    if (query.direction && entry.direction !== query.direction) continue;
    if (predicate && !predicate(entry)) continue;
    total += 1;
    if (seqs.length < limit) seqs.push(entry.seq);
  }
  return { seqs, total };
}
