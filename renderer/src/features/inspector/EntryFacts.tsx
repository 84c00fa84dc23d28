import type { WireEntry } from '../../../../shared/model/wire.ts';
import { describeCloseCode, opcodeName } from '../../../../shared/model/ws-tables.ts';
import { formatBytes, formatClock } from '../../components/format.ts';

function Fact(props: { name: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{props.name}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** What the decoders said about an entry: frame bits, close code, SSE fields, notes. */
export function EntryFacts(props: { entry: WireEntry }) {
  const { entry } = props;
  const { frame, close, sse } = entry;
  return (
    <div className="facts">
      <dl>
        <Fact name="Seq">{entry.seq}</Fact>
        <Fact name="Time">
          {formatClock(entry.time)} ({new Date(entry.time).toISOString()})
        </Fact>
        <Fact name="Direction">
          {entry.direction === 'in' ? '↓ in (toward the client)' : '↑ out (toward the server)'}
        </Fact>
        <Fact name="Kind">
          {entry.kind}
          {entry.lifecycle ? ` (${entry.lifecycle})` : ''}
        </Fact>
        <Fact name="Size">
          {formatBytes(entry.payloadSize)} payload · {formatBytes(entry.wireSize)} on the wire
        </Fact>
      </dl>
      {frame && (
        <section aria-label="Frame">
          <h3>Frame</h3>
          <dl>
            <Fact name="Opcode">
              0x{frame.opcode.toString(16)} {opcodeName(frame.opcode)}
            </Fact>
            <Fact name="FIN">{String(frame.fin)}</Fact>
            <Fact name="RSV1">{frame.rsv1 ? 'true (permessage-deflate compressed)' : 'false'}</Fact>
            {(frame.rsv2 || frame.rsv3) && (
              <Fact name="RSV2/RSV3">
                {String(frame.rsv2)} / {String(frame.rsv3)}
              </Fact>
            )}
            <Fact name="Masked">{String(frame.masked)}</Fact>
            <Fact name="Fragments">{frame.fragments}</Fact>
            {frame.compressedSize !== undefined && (
              <Fact name="Compressed / raw">
                {formatBytes(frame.compressedSize)} / {formatBytes(entry.payloadSize)} (
                {entry.payloadSize > 0
                  ? Math.round((100 * frame.compressedSize) / entry.payloadSize)
                  : 100}
                %)
              </Fact>
            )}
          </dl>
        </section>
      )}
      {close && (
        <section aria-label="Close">
          <h3>Close</h3>
          <dl>
            <Fact name="Code">
              {close.code} {describeCloseCode(close.code).name}
              {!close.codeValid && <span className="error-text"> (not valid on the wire)</span>}
            </Fact>
            <Fact name="Meaning">{describeCloseCode(close.code).meaning}</Fact>
            <Fact name="Reason">{close.reason === '' ? '(none)' : close.reason}</Fact>
          </dl>
        </section>
      )}
      {sse && (
        <section aria-label="Server-sent event">
          <h3>Event</h3>
          <dl>
            <Fact name="event">{sse.event}</Fact>
            <Fact name="id">{sse.id ?? '(none)'}</Fact>
            <Fact name="Last-Event-ID">{sse.lastEventId === '' ? '(none)' : sse.lastEventId}</Fact>
            {sse.retry !== undefined && <Fact name="retry">{sse.retry} ms</Fact>}
          </dl>
        </section>
      )}
      {entry.notes && entry.notes.length > 0 && (
        <section aria-label="Decoder notes" className="notes">
          <h3>Decoder notes</h3>
          <ul>
            {entry.notes.map((note, i) => (
              <li key={i}>
                <code>{note.code}</code> {note.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
