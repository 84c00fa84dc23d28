/** The rate chart's numbers: per-second messages, bytes and heartbeats over a window (pure). */
import type { ConnectionStats } from '../../timeline/connection-stats.ts';

export interface RateSeries {
  /** Epoch second of the first point. */
  start: number;
  messages: number[];
  bytes: number[];
  heartbeats: number[];
}

/** The last `seconds` whole seconds before `now`, for some connections summed (all when `ids` is empty). */
export function rateSeries(
  stats: ConnectionStats,
  ids: readonly string[],
  now: number,
  seconds: number,
): RateSeries {
  const end = Math.floor(now / 1000);
  const start = end - seconds + 1;
  const series: RateSeries = { start, messages: [], bytes: [], heartbeats: [] };
  const which = ids.length > 0 ? ids : stats.ids();
  for (let second = start; second <= end; second++) {
    let messages = 0;
    let bytes = 0;
    let heartbeats = 0;
    for (const id of which) {
      const at = stats.at(id, second);
      messages += at.messages;
      bytes += at.bytes;
      heartbeats += at.heartbeats;
    }
    series.messages.push(messages);
    series.bytes.push(bytes);
    series.heartbeats.push(heartbeats);
  }
  return series;
}
