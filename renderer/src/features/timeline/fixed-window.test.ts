import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopFor } from './fixed-window.ts';

describe('fixed-height row window', () => {
  it('renders the rows on screen plus overscan, clamped to the list', () => {
    expect(rowWindow(1_000_000, 22, 22_000_000 - 440, 440, 5)).toEqual({
      start: 999_975,
      end: 1_000_000,
      totalHeight: 22_000_000,
    });
    expect(rowWindow(1000, 20, 200, 100, 3)).toEqual({ start: 7, end: 19, totalHeight: 20_000 });
    expect(rowWindow(0, 20, 0, 100, 3)).toEqual({ start: 0, end: 0, totalHeight: 0 });
  });

  it('scrolls only as far as needed to show a row, or puts it at the bottom', () => {
    expect(scrollTopFor(99, 20, 0, 200, 'end')).toBe(1800);
    expect(scrollTopFor(5, 20, 0, 200, 'auto')).toBe(0);
    expect(scrollTopFor(10, 20, 0, 200, 'auto')).toBe(20);
    expect(scrollTopFor(2, 20, 500, 200, 'auto')).toBe(40);
  });
});
