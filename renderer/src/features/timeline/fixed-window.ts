/**
 * Which rows of a fixed-height list are on screen: O(1) whatever the row count. (The general
 * virtualizer we started with recomputes every row's offset whenever the count changes, which at
 * a million rows and a batch per frame was the page's longest task; with one row height there is
 * nothing to measure.)
 */
export interface RowWindow {
  /** First and last (exclusive) rows to render, overscan included. */
  start: number;
  end: number;
  totalHeight: number;
}

export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  return {
    start: Math.max(0, Math.min(count, first - overscan)),
    end: Math.max(0, Math.min(count, first + visible + overscan)),
    totalHeight: count * rowHeight,
  };
}

/** The scrollTop that shows `index`: `end` puts it at the bottom; `auto` moves only if it is off screen. */
export function scrollTopFor(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  align: 'auto' | 'end',
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (align === 'end') return Math.max(0, bottom - viewportHeight);
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
