import { act, cleanup, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TimelineDataContext } from '../../app/data-context.ts';
import { defaultFilter, useUi } from '../../stores/ui.ts';
import { fakeApi } from '../../timeline/fake-api.ts';
import { makeRows } from '../../timeline/test-rows.ts';
import { TimelineData } from '../../timeline/timeline-data.ts';
import { timelineCommands } from './commands.ts';
import { Timeline } from './Timeline.tsx';

afterEach(cleanup);

// happy-dom does no layout: give elements a screenful of size so the virtualizer has a viewport.
const sizes = {
  clientHeight: 600,
  clientWidth: 1000,
  offsetHeight: 600,
  offsetWidth: 1000,
} as const;
const saved = new Map<string, PropertyDescriptor | undefined>();
beforeAll(() => {
  for (const [name, value] of Object.entries(sizes)) {
    saved.set(name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
});
afterAll(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    else Reflect.deleteProperty(HTMLElement.prototype, name);
  }
});
beforeEach(() => {
  useUi.setState({ selectedSeq: null, follow: true, filter: defaultFilter });
});

async function setup(count: number) {
  const fake = fakeApi(makeRows(1, count));
  const frames: (() => void)[] = [];
  const data = new TimelineData(fake.api, (callback) => frames.push(callback));
  await data.start();
  render(
    <TimelineDataContext.Provider value={data}>
      <Timeline />
    </TimelineDataContext.Provider>,
  );
  const flushFrames = () => {
    act(() => {
      for (const frame of frames.splice(0)) frame();
    });
  };
  return { fake, data, flushFrames };
}

const shownSeqs = () =>
  screen.queryAllByRole('row').flatMap((row) => (row.dataset.seq ? [Number(row.dataset.seq)] : []));

describe('Timeline', () => {
  it('renders only a screenful of a large session', async () => {
    const { data } = await setup(100_000);
    const seqs = shownSeqs();
    expect(seqs.length).toBeGreaterThan(10);
    expect(seqs.length).toBeLessThan(100);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('100000');
    data.stop();
  });

  it('adds live rows on the next frame, not before', async () => {
    const { fake, data, flushFrames } = await setup(3);
    act(() => {
      fake.emitEntries(makeRows(4, 2));
    });
    expect(shownSeqs()).toEqual([1, 2, 3]);
    flushFrames();
    expect(shownSeqs()).toEqual([1, 2, 3, 4, 5]);
    data.stop();
  });

  it('moves the selection with the keyboard commands and pauses following when going up', async () => {
    const { data } = await setup(10);
    act(() => {
      timelineCommands()?.move(-1);
    });
    expect(useUi.getState().selectedSeq).toBe(10);
    expect(useUi.getState().follow).toBe(false);
    act(() => {
      timelineCommands()?.move(-3);
    });
    expect(useUi.getState().selectedSeq).toBe(7);
    expect(
      screen
        .getAllByRole('row')
        .find((row) => row.dataset.seq === '7')
        ?.getAttribute('aria-selected'),
    ).toBe('true');
    act(() => {
      timelineCommands()?.last();
    });
    expect(useUi.getState().selectedSeq).toBe(10);
    expect(useUi.getState().follow).toBe(true);
    data.stop();
  });

  it('shows only the rows a filter matches', async () => {
    const { data } = await setup(20);
    await act(async () => {
      data.setQueries({ filter: 'message 1' }, null);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(shownSeqs()).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    data.stop();
  });
});
