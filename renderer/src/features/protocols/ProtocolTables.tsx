import type { ChannelTables } from './tables.ts';
import { formatLatency } from './format.ts';

type OnSeq = (seq: number, connectionId: string) => void;

function SeqLink(props: { seq: number; connectionId: string; onSeq: OnSeq }) {
  return (
    <button
      type="button"
      className="link"
      onClick={() => {
        props.onSeq(props.seq, props.connectionId);
      }}
    >
      #{props.seq}
    </button>
  );
}

/** A channel's calls, GraphQL operations and messages by event, topic or destination. */
export function ProtocolTables(props: { tables: ChannelTables; onSeq: OnSeq }) {
  const { calls, operations, counts } = props.tables;
  const onSeq = props.onSeq;
  if (calls.length === 0 && operations.length === 0 && !counts)
    return <p className="empty">No calls, operations or named messages in these entries.</p>;
  return (
    <>
      {calls.length > 0 && (
        <section aria-label="Calls">
          <h3>Calls</h3>
          <table className="protocol-table">
            <thead>
              <tr>
                <th>Method</th>
                <th>Id</th>
                <th>Status</th>
                <th>Latency</th>
                <th>Request</th>
                <th>Answer</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((call) => (
                <tr key={`${String(call.request.seq)}.${String(call.request.message.index)}`}>
                  <td>{call.method}</td>
                  <td>{call.id}</td>
                  <td className={call.status === 'error' ? 'error-text' : undefined}>
                    {call.status}
                    {call.error && `: ${call.error}`}
                  </td>
                  <td>{call.latencyMs === undefined ? '' : formatLatency(call.latencyMs)}</td>
                  <td>
                    <SeqLink
                      seq={call.request.seq}
                      connectionId={call.request.connectionId}
                      onSeq={onSeq}
                    />
                  </td>
                  <td>
                    {call.answer && (
                      <SeqLink
                        seq={call.answer.seq}
                        connectionId={call.answer.connectionId}
                        onSeq={onSeq}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {operations.length > 0 && (
        <section aria-label="Operations">
          <h3>Operations</h3>
          <table className="protocol-table">
            <thead>
              <tr>
                <th>Id</th>
                <th>Type</th>
                <th>Name</th>
                <th>Results</th>
                <th>First result</th>
                <th>Ended</th>
                <th>Start</th>
              </tr>
            </thead>
            <tbody>
              {operations.map((op) => (
                <tr key={`${op.id}@${String(op.start.seq)}`}>
                  <td>{op.id}</td>
                  <td>{op.type}</td>
                  <td>{op.name}</td>
                  <td>{op.results}</td>
                  <td>{op.firstResultMs === undefined ? '' : formatLatency(op.firstResultMs)}</td>
                  <td className={op.ended === 'error' ? 'error-text' : undefined}>{op.ended}</td>
                  <td>
                    <SeqLink
                      seq={op.start.seq}
                      connectionId={op.start.connectionId}
                      onSeq={onSeq}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {counts && (
        <section aria-label={`By ${counts.title.toLowerCase()}`}>
          <h3>By {counts.title.toLowerCase()}</h3>
          <table className="protocol-table">
            <thead>
              <tr>
                <th>{counts.title}</th>
                <th>↑ out</th>
                <th>↓ in</th>
                <th>Last</th>
              </tr>
            </thead>
            <tbody>
              {counts.rows.map((row) => (
                <tr key={row.key}>
                  <td>{row.key}</td>
                  <td>{row.out}</td>
                  <td>{row.in}</td>
                  <td>
                    <SeqLink
                      seq={row.last.seq}
                      connectionId={row.last.connectionId}
                      onSeq={onSeq}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
