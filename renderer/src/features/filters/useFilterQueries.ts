import { useEffect } from 'react';
import { useTimelineData } from '../../app/data-context.ts';
import { useUi } from '../../stores/ui.ts';
import { filterQueries } from './queries.ts';

const typingPauseMs = 150;

/** Keeps the timeline's queries in step with the filter state (after a short pause in typing). */
export function useFilterQueries(): void {
  const data = useTimelineData();
  const filter = useUi((s) => s.filter);
  useEffect(() => {
    const queries = filterQueries(filter);
    if (!queries) return;
    const timer = setTimeout(() => {
      data.setQueries(queries.hide, queries.highlight);
    }, typingPauseMs);
    return () => {
      clearTimeout(timer);
    };
  }, [data, filter]);
}
