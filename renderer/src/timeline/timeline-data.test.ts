import { describe, expect, it } from 'vitest';
import { fakeApi } from './fake-api.ts';
import { makeRows } from './test-rows.ts';
import { TimelineData } from './timeline-data.ts';

const manualFrames = () => {
  const frames: (() => void)[] = [];
  return {
    schedule: (callback: () => void) => frames.push(callback),
    run: () => {
      for (const frame of frames.splice(0)) frame();
    },
  };
};

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('TimelineData', () => {
  it('loads the session, then appends live rows once per frame without duplicates', async () => {
    const fake = fakeApi(makeRows(1, 120_000));
    const frames = manualFrames();
    const data = new TimelineData(fake.api, frames.schedule);
    await data.start();
    expect(data.buffer.length).toBe(120_000);
    fake.emitEntries(makeRows(119_999, 5));
    fake.emitEntries(makeRows(120_004, 2));
    expect(data.buffer.length).toBe(120_000);
    frames.run();
    expect(data.buffer.length).toBe(120_005);
    expect(data.stats.get('c1')?.messages).toBe(120_005);
    data.stop();
  });

  it('keeps a filter current as rows arrive, asking main only about new seqs', async () => {
    const fake = fakeApi(makeRows(1, 10));
    const frames = manualFrames();
    const data = new TimelineData(fake.api, frames.schedule);
    await data.start();
    data.setQueries({ filter: 'message 1' }, null);
    await until(() => data.hide.matches?.length === 2);
    fake.emitEntries(makeRows(11, 5));
    frames.run();
    await until(() => data.hide.matches?.length === 7);
    const last = fake.queries.at(-1);
    expect(last?.fromSeq).toBeGreaterThan(10);
    expect(
      [0, 1, 6].map((position) => data.buffer.seqAt(data.hide.matches?.indexAt(position) ?? -1)),
    ).toEqual([1, 10, 15]);
    data.setQueries(null, { filter: 'message 2' });
    await until(() => data.highlight.matches?.length === 1);
    expect(data.hide.matches).toBeNull();
    expect(data.highlight.matches?.has(1)).toBe(true);
    data.stop();
  });
});
