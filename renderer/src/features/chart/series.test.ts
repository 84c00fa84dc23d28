import { describe, expect, it } from 'vitest';
import { ConnectionStats } from '../../timeline/connection-stats.ts';
import { makeRow } from '../../timeline/test-rows.ts';
import { resolveTheme } from '../settings/useTheme.ts';
import { rateSeries } from './series.ts';

describe('rate series', () => {
  it('sums messages, bytes and heartbeats per second, with zeros for quiet seconds', () => {
    const stats = new ConnectionStats(() => 10_500);
    stats.add([
      makeRow(1, { time: 7_100, wireSize: 10 }),
      makeRow(2, { time: 7_900, wireSize: 20 }),
      makeRow(3, { time: 9_000, kind: 'ping', wireSize: 2 }),
      makeRow(4, { time: 9_500, connectionId: 'c2', wireSize: 5 }),
    ]);
    const all = rateSeries(stats, [], 9_999, 4);
    expect(all).toEqual({
      start: 6,
      messages: [0, 2, 0, 1],
      bytes: [0, 30, 0, 7],
      heartbeats: [0, 0, 0, 1],
    });
    expect(rateSeries(stats, ['c2'], 9_999, 4).messages).toEqual([0, 0, 0, 1]);
    expect(stats.rate('c1')).toEqual({ messages: 0, bytes: 2 });
    expect(stats.get('c1')?.messages).toBe(2);
  });

  it('forgets buckets older than the window when the second comes round again', () => {
    const stats = new ConnectionStats();
    stats.add([makeRow(1, { time: 1_000 })]);
    stats.add([makeRow(2, { time: 121_000 })]);
    expect(stats.at('c1', 1).messages).toBe(0);
    expect(stats.at('c1', 121).messages).toBe(1);
  });
});

describe('theme', () => {
  it('follows the OS for system and the setting otherwise', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });
});
