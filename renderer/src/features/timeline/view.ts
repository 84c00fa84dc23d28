/** Which buffer rows the timeline shows, in order, given the hide and highlight queries. */
import type { TimelineData } from '../../timeline/timeline-data.ts';

export interface TimelineView {
  count: number;
  indexAt(position: number): number;
  positionOf(bufferIndex: number): number;
  highlighting: boolean;
  isHighlighted(bufferIndex: number): boolean;
  /** Matches in all for the filter the user typed (hide or highlight), or null without one. */
  matchCount: number | null;
}

export function timelineView(data: TimelineData): TimelineView {
  const hidden = data.hide.active ? data.hide.matches : null;
  const highlight = data.highlight.active ? data.highlight.matches : null;
  const buffer = data.buffer;
  return {
    count: hidden ? hidden.length : buffer.length,
    indexAt: hidden ? (position) => hidden.indexAt(position) : (position) => position,
    positionOf: hidden
      ? (index) => hidden.positionOf(index)
      : (index) => (index >= 0 && index < buffer.length ? index : -1),
    highlighting: data.highlight.active,
    isHighlighted: highlight ? (index) => highlight.has(index) : () => false,
    matchCount: data.highlight.active
      ? (highlight?.total ?? null)
      : data.hide.active
        ? (hidden?.total ?? null)
        : null,
  };
}
