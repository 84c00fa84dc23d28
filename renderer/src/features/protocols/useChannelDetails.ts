import { useCallback, useEffect, useState } from 'react';
import type { InspectorApi } from '../../../../shared/api.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { errorMessage } from '../../components/format.ts';
import type { TableSource } from './tables.ts';

/** The newest annotated entries read per channel: the tables are a view, not an export. */
export const tableEntryLimit = 2000;
/** A busy channel re-reads its tables at most this often. */
export const liveRefreshMs = 1000;

export type ChannelDetails =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; details: TableSource[]; cut: number };

/** The channel's newest protocol messages and their pairs, in one request. */
export async function loadChannelDetails(
  api: InspectorApi,
  channelId: string,
  limit = tableEntryLimit,
): Promise<{ details: TableSource[]; cut: number }> {
  const found = await api.getChannelMessages(channelId, limit);
  if (found === null) return { details: [], cut: 0 };
  const pairsBySeq = new Map<number, TableSource['pairs']>();
  for (const pair of found.pairs) {
    for (const seq of new Set([pair.request.seq, pair.answer.seq])) {
      const list = pairsBySeq.get(seq);
      if (list === undefined) pairsBySeq.set(seq, [pair]);
      else list.push(pair);
    }
  }
  const details = found.annotations.map((annotation) => ({
    annotation,
    pairs: pairsBySeq.get(annotation.seq) ?? [],
  }));
  return { details, cut: found.total - found.annotations.length };
}

/**
 * The tables' data, read when the tab opens and again (at most once a second) whenever the
 * protocol view of one of the channel's connections changes.
 */
export function useChannelDetails(
  channelId: string,
  connectionIds: readonly string[],
): {
  loaded: ChannelDetails;
  refresh: () => void;
} {
  const data = useTimelineData();
  const [loaded, setLoaded] = useState<ChannelDetails>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const ids = connectionIds.join(',');
  useEffect(() => {
    let current = true;
    loadChannelDetails(data.api, channelId)
      .then((result) => {
        if (current) setLoaded({ state: 'ready', ...result });
      })
      .catch((error: unknown) => {
        if (current) setLoaded({ state: 'error', message: errorMessage(error) });
      });
    return () => {
      current = false;
    };
  }, [data, channelId, round]);
  useEffect(() => {
    const watched = new Set(ids.split(','));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = data.api.onProtocols((changed) => {
      if (timer !== undefined || !changed.some((id) => watched.has(id))) return;
      timer = setTimeout(() => {
        timer = undefined;
        setRound((n) => n + 1);
      }, liveRefreshMs);
    });
    return () => {
      off();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [data, ids]);
  const refresh = useCallback(() => {
    setRound((n) => n + 1);
  }, []);
  return { loaded, refresh };
}
