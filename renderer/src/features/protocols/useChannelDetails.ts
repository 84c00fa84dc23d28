import { useCallback, useEffect, useState } from 'react';
import type { InspectorApi, ProtocolEntryDetail } from '../../../../shared/api.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { errorMessage } from '../../components/format.ts';

/** The newest entries read per channel: the tables are a view, not an export. */
export const tableEntryLimit = 500;
const parallel = 8;

export type ChannelDetails =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; details: ProtocolEntryDetail[]; cut: number };

/** The protocol details of a channel's newest entries, loaded when asked (the tab, Refresh). */
export async function loadChannelDetails(
  api: InspectorApi,
  connectionIds: readonly string[],
  limit = tableEntryLimit,
): Promise<{ details: ProtocolEntryDetail[]; cut: number }> {
  const lists = await Promise.all(
    connectionIds.map((connectionId) =>
      api.queryEntries({ connectionId, kinds: ['text', 'binary', 'event'] }),
    ),
  );
  const seqs = lists.flatMap((list) => list.seqs).sort((a, b) => a - b);
  const newest = seqs.slice(-limit);
  const details: ProtocolEntryDetail[] = [];
  for (let i = 0; i < newest.length; i += parallel) {
    const batch = await Promise.all(
      newest.slice(i, i + parallel).map((seq) => api.getProtocolDetail(seq)),
    );
    for (const detail of batch) if (detail) details.push(detail);
  }
  return { details, cut: seqs.length - newest.length };
}

export function useChannelDetails(connectionIds: readonly string[]): {
  loaded: ChannelDetails;
  refresh: () => void;
} {
  const data = useTimelineData();
  const [loaded, setLoaded] = useState<ChannelDetails>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const key = connectionIds.join(',');
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    loadChannelDetails(data.api, key.split(','))
      .then((result) => {
        if (current) setLoaded({ state: 'ready', ...result });
      })
      .catch((error: unknown) => {
        if (current) setLoaded({ state: 'error', message: errorMessage(error) });
      });
    return () => {
      current = false;
    };
  }, [data, key, round]);
  const refresh = useCallback(() => {
    setRound((n) => n + 1);
  }, []);
  return { loaded, refresh };
}
