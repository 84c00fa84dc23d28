import { buildTables } from './tables.ts';
import { ProtocolTables } from './ProtocolTables.tsx';
import { tableEntryLimit, useChannelDetails } from './useChannelDetails.ts';

/**
 * The channel's tables, read from its newest messages when the tab opens and kept up to date
 * (re-read at most once a second while the channel is busy); _Refresh_ reads them at once.
 */
export function ChannelTablesLoader(props: {
  channelId: string;
  connectionIds: readonly string[];
  onSeq: (seq: number, connectionId: string) => void;
}) {
  const { loaded, refresh } = useChannelDetails(props.channelId, props.connectionIds);
  return (
    <div className="protocol-tables">
      <button type="button" onClick={refresh} disabled={loaded.state === 'loading'}>
        Refresh tables
      </button>
      {loaded.state === 'loading' && <p className="empty">Reading the channel…</p>}
      {loaded.state === 'error' && <p className="error-text">{loaded.message}</p>}
      {loaded.state === 'ready' && (
        <>
          {loaded.cut > 0 && (
            <p className="muted">
              The newest {tableEntryLimit} messages ({loaded.cut} older left out).
            </p>
          )}
          <ProtocolTables tables={buildTables(loaded.details)} onSeq={props.onSeq} />
        </>
      )}
    </div>
  );
}
