/** Small formatting helpers shared by the timeline, the connections list and the detail pane. */
import { formatBytes } from '../../../shared/filter/index.ts';

export { formatBytes };

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `14:03:07.512` in local time. */
export function formatClock(time: number): string {
  const date = new Date(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `+12.345 s` since `origin`. */
export function formatRelative(time: number, origin: number): string {
  const seconds = (time - origin) / 1000;
  return `+${seconds.toFixed(3)} s`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k`;
  return String(Math.round(perSecond));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
