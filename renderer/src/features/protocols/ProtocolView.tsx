import type { ProtocolOverview } from '../../../../shared/api.ts';
import { protocolLabels } from '../../stores/protocols.ts';
import { ChannelTablesLoader } from './ChannelTablesLoader.tsx';
import { ProtocolPicker, type ProtocolSetting } from './ProtocolPicker.tsx';

const unansweredShown = 200;

/**
 * One connection's protocol channel: how its protocol was chosen, its counts, the requests still
 * unanswered (each opens its entry) and, when the dissector gave up, why.
 */
export function ProtocolView(props: {
  connectionId: string;
  overview: ProtocolOverview;
  setProtocol: (protocol: ProtocolSetting) => Promise<void>;
  onSeq: (seq: number, connectionId: string) => void;
  /** The tables read the channel's entries through the api (off in unit tests of the rest). */
  showTables?: boolean;
}) {
  const { overview, connectionId } = props;
  const channel = overview.channels.find((c) => c.connectionIds.includes(connectionId));
  const fallback = overview.fallbacks.find((f) => f.connectionId === connectionId);
  const unanswered = channel
    ? overview.unanswered.filter((request) => request.channelId === channel.id)
    : [];
  // A server that never answers can leave thousands: the oldest are the interesting ones.
  const shown = unanswered.slice(0, unansweredShown);
  return (
    <div className="protocol-view">
      <ProtocolPicker
        current={channel?.protocol ?? null}
        chosenByUser={channel?.chosenBy === 'user'}
        set={props.setProtocol}
      />
      {fallback && (
        <p className="protocol-fallback-reason">
          Shown raw: the messages did not read as {protocolLabels[fallback.protocol]} (
          {fallback.reason}).
        </p>
      )}
      {!channel && !fallback && (
        <p className="empty">No protocol recognised on this connection: its messages are raw.</p>
      )}
      {channel && (
        <>
          <dl>
            <dt>Protocol</dt>
            <dd>
              {protocolLabels[channel.protocol]} <span className="muted">({channel.protocol})</span>
            </dd>
            <dt>Chosen by</dt>
            <dd>{channel.chosenBy}</dd>
            <dt>Channel</dt>
            <dd>
              {channel.id}
              {channel.connectionIds.length > 1 &&
                ` · ${String(channel.connectionIds.length)} connections`}
            </dd>
            <dt>Messages</dt>
            <dd>
              {channel.messages}
              {channel.malformed > 0 && (
                <span className="error-text"> · {channel.malformed} malformed</span>
              )}
            </dd>
            <dt>Pairs</dt>
            <dd>{channel.pairs}</dd>
            <dt>Unanswered</dt>
            <dd>{channel.unanswered}</dd>
          </dl>
          {unanswered.length > 0 && (
            <section aria-label="Unanswered requests">
              <h3>Unanswered requests</h3>
              <table className="protocol-table">
                <thead>
                  <tr>
                    <th>Kind</th>
                    <th>Key</th>
                    <th>Request</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((request) => (
                    <tr key={`${request.kind}:${request.key}:${String(request.request.seq)}`}>
                      <td>{request.kind}</td>
                      <td>{request.key}</td>
                      <td>
                        <button
                          type="button"
                          className="link"
                          onClick={() => {
                            props.onSeq(request.request.seq, request.request.connectionId);
                          }}
                        >
                          #{request.request.seq}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {unanswered.length > shown.length && (
                <p className="muted">
                  The oldest {shown.length} of {unanswered.length}.
                </p>
              )}
            </section>
          )}
          {props.showTables !== false && (
            <ChannelTablesLoader
              channelId={channel.id}
              connectionIds={channel.connectionIds}
              onSeq={props.onSeq}
            />
          )}
        </>
      )}
    </div>
  );
}
