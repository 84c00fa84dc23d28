/**
 * From the filter the user set up to the queries main runs: in hide mode everything narrows the
 * timeline; in highlight mode the toggles still hide, and the typed filter only marks rows.
 */
import type { EntryQuery } from '../../../../shared/api.ts';
import { ENTRY_KINDS, parseFilter } from '../../../../shared/filter/index.ts';
import type { FilterState } from '../../stores/ui.ts';

export interface FilterQueries {
  hide: EntryQuery | null;
  highlight: EntryQuery | null;
}

/** Null when the typed text does not parse (the caller keeps the last good queries). */
export function filterQueries(filter: FilterState): FilterQueries | null {
  const text = filter.text.trim();
  if (text !== '' && !parseFilter(text).ok) return null;
  const toggles: EntryQuery = {};
  if (filter.hiddenKinds.length > 0) {
    toggles.kinds = ENTRY_KINDS.filter((kind) => !filter.hiddenKinds.includes(kind));
  }
  if (filter.direction !== 'all') toggles.direction = filter.direction;
  if (filter.onlyConnection !== null) toggles.connectionId = filter.onlyConnection;
  const hasToggles = Object.keys(toggles).length > 0;
  if (filter.mode === 'highlight') {
    return {
      hide: hasToggles ? toggles : null,
      highlight: text === '' ? null : { filter: text },
    };
  }
  if (text === '' && !hasToggles) return { hide: null, highlight: null };
  return { hide: text === '' ? toggles : { ...toggles, filter: text }, highlight: null };
}
