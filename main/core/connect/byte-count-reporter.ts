import type { SessionStore } from '../session/store.ts';

/** How often a live connection's byte counts reach its record (and so the UI). */
const reportEveryMs = 500;

/**
 * Copies a live connection's byte counts into its record every half second while they change:
 * often enough for a list that shows rates, rarely enough to cost nothing per frame.
 */
export function reportByteCounts(
  store: SessionStore,
  connectionId: string,
  read: () => { bytesIn: number; bytesOut: number },
): () => void {
  let last = { bytesIn: -1, bytesOut: -1 };
  const timer = setInterval(() => {
    const counts = read();
    if (counts.bytesIn === last.bytesIn && counts.bytesOut === last.bytesOut) return;
    last = counts;
    if (store.getConnection(connectionId)) store.updateConnection(connectionId, counts);
  }, reportEveryMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
