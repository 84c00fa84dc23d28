import { buildTables } from './tables.ts';
import { ProtocolTables } from './ProtocolTables.tsx';
import { tableEntryLimit, useChannelDetails } from './useChannelDetails.ts';

/**
 * The channel's tables, read from its newest entries when the tab opens. Not live: a busy
 * channel would refetch hundreds of details per change, so _Refresh_ reads them again.
 */
export function ChannelTablesLoader(props: {
  connectionIds: readonly string[];
  onSeq: (seq: number, connectionId: string) => void;
}) {
  const { loaded, refresh } = useChannelDetails(props.connectionIds);
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
