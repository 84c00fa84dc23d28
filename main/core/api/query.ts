import type { EntryQuery, EntryQueryResult } from '../../../shared/api.ts';
import type { FilterAst, FilterNode } from '../../../shared/filter/index.ts';
import { parseFilter } from '../../../shared/filter/index.ts';
import { queryEntries } from '../filter/index.ts';
import { ProtocolFilterContext } from '../protocol/dissect/protocol-filter.ts';
import type { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import type { SessionStore } from '../session/store.ts';

/**
 * An EntryQuery as one filter: the UI's structured toggles (kinds, direction) join the typed
 * filter text as AND-ed terms, and the filter module scans the store once over full payloads.
 */
export function matchEntries(
  store: SessionStore,
  query: EntryQuery,
  /** The store's protocol dissection, for protocol terms (without it they match nothing). */
  protocols?: ProtocolViews,
): EntryQueryResult | { error: string } {
  const parts: FilterNode[] = [];
  const text = query.filter?.trim() ?? '';
  if (text !== '') {
    const parsed = parseFilter(text);
    if (!parsed.ok)
      return { error: `filter: ${parsed.error.message} (at character ${parsed.error.start + 1})` };
    if (parsed.filter.type !== 'all') parts.push(parsed.filter);
  }
  if (query.kinds) parts.push({ type: 'kind', kinds: query.kinds });
  if (query.direction) parts.push({ type: 'dir', direction: query.direction });
  const ast: FilterAst =
    parts.length === 0
      ? { type: 'all' }
      : parts.length === 1
        ? (parts[0] as FilterNode)
        : { type: 'and', children: parts };
  const result = queryEntries(store, ast, {
    ...(query.connectionId !== undefined ? { connectionId: query.connectionId } : {}),
    ...(query.fromSeq !== undefined ? { fromSeq: query.fromSeq } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(protocols !== undefined ? { protocols: new ProtocolFilterContext(protocols) } : {}),
  });
  return { seqs: result.seqs, total: result.total };
}
