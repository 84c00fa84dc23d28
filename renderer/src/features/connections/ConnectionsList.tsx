import { useState, useSyncExternalStore } from 'react';
import type { Connection } from '../../../../shared/model/connection.ts';
import { describeCloseCode } from '../../../../shared/model/ws-tables.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { errorMessage, formatBytes, formatRate } from '../../components/format.ts';
import { useConnections } from '../../stores/connections.ts';
import { findingMarkers, useInsight } from '../../stores/insight.ts';
import { protocolBadges, useProtocols } from '../../stores/protocols.ts';
import { useUi } from '../../stores/ui.ts';
import { ProtocolBadge } from '../protocols/ProtocolBadge.tsx';

const live = new Set(['connecting', 'open', 'closing']);
const initiallyShown = 200;

export function isLive(connection: Connection): boolean {
  return live.has(connection.state);
}

/** Every connection of the session, newest last: state, kind, URL, source, counts, rates, close. */
export function ConnectionsList() {
  const data = useTimelineData();
  useSyncExternalStore(data.stats.subscribe, data.stats.getVersion);
  const byId = useConnections((s) => s.byId);
  const order = useConnections((s) => s.order);
  const selected = useUi((s) => s.selectedConnectionId);
  const only = useUi((s) => s.filter.onlyConnection);
  // A proxy session can hold thousands of HTTP exchanges: render the newest, and the rest on demand.
  const [shown, setShown] = useState(initiallyShown);
  const first = Math.max(0, order.length - shown);
  const positionOf = new Map(order.map((id, position) => [id, position]));
  const findings = useInsight((s) => s.findings);
  const llm = useInsight((s) => s.llmEndings);
  const markers = findingMarkers(findings);
  const protocols = useProtocols((s) => s.overview);
  const badges = protocolBadges(protocols);

  return (
    <section className="connections" aria-label="Connections">
      <header className="pane-head">
        <h2>Connections</h2>
        <button
          type="button"
          onClick={() => {
            useUi.getState().openDialog('connect');
          }}
          title="New connection (N)"
        >
          + New
        </button>
      </header>
      <ul className="connection-list" role="listbox" aria-label="Connections">
        {order.length === 0 && <li className="empty">No connections yet.</li>}
        {first > 0 && (
          <li className="more">
            <button
              type="button"
              onClick={() => {
                setShown(shown + initiallyShown * 4);
              }}
            >
              Show {Math.min(first, initiallyShown * 4)} older of {first}
            </button>
          </li>
        )}
        {order.slice(first).map((id, offset) => {
          const position = first + offset;
          const connection = byId[id];
          if (!connection) return null;
          const counts = data.stats.get(id);
          const rate = data.stats.rate(id);
          const badge = badges.get(id);
          return (
            <li
              key={id}
              role="option"
              aria-selected={selected === id}
              className={selected === id ? 'connection selected' : 'connection'}
              onClick={() => {
                useUi.getState().selectConnection(id);
              }}
              onDoubleClick={() => {
                useUi.getState().setFilter({ onlyConnection: only === id ? null : id });
              }}
              data-connection={id}
            >
              <div className="connection-line">
                <span className={`state state-${connection.state}`} title={connection.state}>
                  ●
                </span>
                <span className={`badge kind-${connection.kind}`}>
                  {connection.kind.toUpperCase()}
                </span>
                <span className="label">#{position + 1}</span>
                <span className="url" title={connection.url}>
                  {connection.url}
                </span>
                {badge && (
                  <ProtocolBadge
                    info={badge}
                    onOpen={() => {
                      useUi.getState().showConnection(id, 'protocol');
                    }}
                  />
                )}
                {llm[id] && (
                  <button
                    type="button"
                    className={`marker llm-marker ending-${llm[id]}`}
                    title={`LLM stream (${llm[id]}): show the assembled answer`}
                    onClick={(event) => {
                      event.stopPropagation();
                      useUi.getState().showConnection(id, 'llm');
                    }}
                  >
                    LLM
                  </button>
                )}
                {markers.get(id) && (
                  <button
                    type="button"
                    className={`marker finding-marker severity-${markers.get(id)?.worst ?? 'info'}`}
                    aria-label={`${String(markers.get(id)?.count)} findings, worst ${markers.get(id)?.worst ?? ''}`}
                    title="Stream diagnostics: show the findings"
                    onClick={(event) => {
                      event.stopPropagation();
                      useUi.getState().showConnection(id, 'findings');
                    }}
                  >
                    {markers.get(id)?.worst === 'info' ? 'i' : '⚠'} {markers.get(id)?.count}
                  </button>
                )}
              </div>
              <div className="connection-line small">
                <span>
                  {connection.source}
                  {connection.replayOf !== undefined &&
                    ` of #${String((positionOf.get(connection.replayOf) ?? -1) + 1)}`}
                </span>
                <span>{connection.state}</span>
                <span title="messages, bytes on the wire">
                  {counts?.messages ?? 0} msg · {formatBytes(counts?.bytes ?? 0)}
                </span>
                {isLive(connection) && (
                  <span title="last second">
                    {formatRate(rate.messages)}/s · {formatBytes(rate.bytes)}/s
                  </span>
                )}
                {connection.closeCode !== undefined && (
                  <span title={describeCloseCode(connection.closeCode).meaning}>
                    close {connection.closeCode} {describeCloseCode(connection.closeCode).name}
                  </span>
                )}
                {connection.resumes !== undefined && (
                  <span title="an SSE reconnect, resuming an earlier stream">
                    ↻ resumes #{(positionOf.get(connection.resumes) ?? -1) + 1}
                  </span>
                )}
                {connection.error && <span className="error-text">{connection.error}</span>}
              </div>
              <div className="connection-actions">
                <button
                  type="button"
                  aria-pressed={only === id}
                  onClick={(event) => {
                    event.stopPropagation();
                    useUi.getState().setFilter({ onlyConnection: only === id ? null : id });
                  }}
                  title="Show only this connection (O)"
                >
                  {only === id ? 'Show all' : 'Only this'}
                </button>
                {isLive(connection) && connection.source === 'client' && (
                  <button
                    type="button"
                    onClick={(event) => {
                      event.stopPropagation();
                      data.api.closeConnection(id).catch((error: unknown) => {
                        console.warn('close failed', errorMessage(error));
                      });
                    }}
                  >
                    Close
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
