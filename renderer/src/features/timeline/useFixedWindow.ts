import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';
import { rowWindow, scrollTopFor, type RowWindow } from './fixed-window.ts';

export interface FixedWindow extends RowWindow {
  scrollToIndex: (index: number, align: 'auto' | 'end') => void;
  /** Call from the scroll element's onScroll. */
  onScroll: () => void;
}

/** Follows a scroll element's position and size and says which fixed-height rows to render. */
export function useFixedWindow(
  ref: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
): FixedWindow {
  const [viewport, setViewport] = useState({ top: 0, height: 600 });

  const read = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    const next = { top: element.scrollTop, height: element.clientHeight || 600 };
    setViewport((current) =>
      current.top === next.top && current.height === next.height ? current : next,
    );
  }, [ref]);

  useLayoutEffect(() => {
    const element = ref.current;
    read();
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(read);
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, [ref, read]);

  const scrollToIndex = useCallback(
    (index: number, align: 'auto' | 'end') => {
      const element = ref.current;
      if (!element) return;
      const height = element.clientHeight || 600;
      const top = scrollTopFor(index, rowHeight, element.scrollTop, height, align);
      if (top !== element.scrollTop) element.scrollTop = top;
      // The scroll event follows, but render the new window now rather than a frame late.
      const next = { top: element.scrollTop || top, height };
      setViewport((current) =>
        current.top === next.top && current.height === next.height ? current : next,
      );
    },
    [ref, rowHeight],
  );

  return {
    ...rowWindow(count, rowHeight, viewport.top, viewport.height, overscan),
    scrollToIndex,
    onScroll: read,
  };
}
