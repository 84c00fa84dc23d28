import { useSyncExternalStore } from 'react';
import { useTimelineData } from '../../app/data-context.ts';
import { useUi } from '../../stores/ui.ts';
import { timelineView } from '../timeline/view.ts';
import { FilterBox } from './FilterBox.tsx';
import { QuickToggles } from './QuickToggles.tsx';
import { useFilterQueries } from './useFilterQueries.ts';

let filterInput: HTMLInputElement | null = null;

/** Focuses the query box (the `/` shortcut). */
export function focusFilter(): void {
  filterInput?.focus();
  filterInput?.select();
}

/** Query box and quick toggles above the timeline, wired to the live queries. */
export function FilterBar() {
  const data = useTimelineData();
  useSyncExternalStore(data.subscribe, data.getVersion);
  useFilterQueries();
  const text = useUi((s) => s.filter.text);
  const view = timelineView(data);
  return (
    <div className="filter-bar">
      <FilterBox
        value={text}
        onChange={(value) => {
          useUi.getState().setFilter({ text: value });
        }}
        matchCount={view.matchCount}
        queryError={data.hide.error ?? data.highlight.error}
        inputRef={(element) => {
          filterInput = element;
        }}
      />
      <QuickToggles />
    </div>
  );
}
