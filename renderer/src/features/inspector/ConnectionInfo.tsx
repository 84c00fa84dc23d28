import type { HeaderList } from '../../../../shared/model/connection.ts';
import { describeCloseCode } from '../../../../shared/model/ws-tables.ts';
import { formatBytes, formatClock } from '../../components/format.ts';
import { useConnections } from '../../stores/connections.ts';

function Headers(props: { title: string; headers: HeaderList }) {
  if (props.headers.length === 0) return null;
  return (
    <section>
      <h3>{props.title}</h3>
      <table className="headers">
        <tbody>
          {props.headers.map(([name, value], i) => (
            <tr key={i}>
              <th>{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The selected connection's handshake and state, shown while no row is selected. */
export function ConnectionInfo(props: { connectionId: string }) {
  const connection = useConnections((s) => s.byId[props.connectionId]);
  if (!connection) return <p className="empty">Select a row to see its payload and details.</p>;
  return (
    <div className="entry-detail">
      <header className="pane-head">
        <h2>
          {connection.kind.toUpperCase()} {connection.method} {connection.url}
        </h2>
      </header>
      <div className="facts">
        <dl>
          <dt>State</dt>
          <dd>{connection.state}</dd>
          <dt>Source</dt>
          <dd>{connection.source}</dd>
          <dt>Opened</dt>
          <dd>{formatClock(connection.openedAt)}</dd>
          {connection.closedAt !== undefined && (
            <>
              <dt>Closed</dt>
              <dd>{formatClock(connection.closedAt)}</dd>
            </>
          )}
          {connection.response && (
            <>
              <dt>Status</dt>
              <dd>
                {connection.response.status} {connection.response.statusText}
              </dd>
            </>
          )}
          {connection.protocol && (
            <>
              <dt>Subprotocol</dt>
              <dd>{connection.protocol}</dd>
            </>
          )}
          {connection.extensions && (
            <>
              <dt>Extensions</dt>
              <dd>{connection.extensions}</dd>
            </>
          )}
          {connection.closeCode !== undefined && (
            <>
              <dt>Close</dt>
              <dd>
                {connection.closeCode} {describeCloseCode(connection.closeCode).name}
                {connection.closeReason ? ` “${connection.closeReason}”` : ''}
                {connection.closeInitiator ? ` (first sent ${connection.closeInitiator})` : ''}
              </dd>
            </>
          )}
          {connection.error && (
            <>
              <dt>Error</dt>
              <dd className="error-text">{connection.error}</dd>
            </>
          )}
          <dt>Bytes</dt>
          <dd>
            ↑ {formatBytes(connection.bytesOut)} · ↓ {formatBytes(connection.bytesIn)}
          </dd>
        </dl>
        <Headers title="Request headers" headers={connection.requestHeaders} />
        {connection.response && (
          <Headers title="Response headers" headers={connection.response.headers} />
        )}
        {connection.response?.body !== undefined && (
          <section>
            <h3>Response body</h3>
            <pre className="payload-text">{connection.response.body}</pre>
          </section>
        )}
      </div>
    </div>
  );
}
