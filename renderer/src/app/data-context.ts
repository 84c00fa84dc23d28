/** The one TimelineData (and through it the api) for the whole tree. */
import { createContext, useContext } from 'react';
import type { TimelineData } from '../timeline/timeline-data.ts';

export const TimelineDataContext = createContext<TimelineData | null>(null);

export function useTimelineData(): TimelineData {
  const data = useContext(TimelineDataContext);
  if (!data) throw new Error('useTimelineData outside <TimelineDataContext.Provider>');
  return data;
}
