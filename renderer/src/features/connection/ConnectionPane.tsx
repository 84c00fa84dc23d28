import { useEffect } from 'react';
import { useTimelineData } from '../../app/data-context.ts';
import { useConnections } from '../../stores/connections.ts';
import { findingMarkers, useInsight } from '../../stores/insight.ts';
import { useUi, type ConnectionTab } from '../../stores/ui.ts';
import { FindingsList } from '../diagnostics/FindingsList.tsx';
import { ConnectionInfo } from '../inspector/ConnectionInfo.tsx';
import { LlmView } from '../llm/LlmView.tsx';
import { ProtocolView } from '../protocols/ProtocolView.tsx';
import { useProtocols } from '../../stores/protocols.ts';
import { ReplayPanel } from '../replay/ReplayPanel.tsx';

const tabLabels: Record<ConnectionTab, string> = {
  handshake: 'Handshake',
  llm: 'LLM',
  findings: 'Findings',
  protocol: 'Protocol',
  replay: 'Replay & mock',
};

const selectSeq = (seq: number, connectionId: string): void => {
  useUi.getState().selectRow(seq, connectionId);
};

/** The selected connection, when no row is: its handshake, LLM answer, findings, replay and mocks. */
export function ConnectionPane(props: { connectionId: string }) {
  const data = useTimelineData();
  const connection = useConnections((s) => s.byId[props.connectionId]);
  const summary = useInsight((s) => s.llmByConnection[props.connectionId]);
  const allFindings = useInsight((s) => s.findings);
  const mocks = useInsight((s) => s.mocks);
  const protocols = useProtocols((s) => s.overview);
  const tab = useUi((s) => s.connectionTab);
  useEffect(() => {
    data.api
      .listMocks()
      .then((list) => {
        useInsight.getState().setMocks(list);
      })
      .catch(() => undefined);
  }, [data]);
  if (!connection) return <ConnectionInfo connectionId={props.connectionId} />;

  const findings = allFindings.filter((finding) => finding.connectionId === connection.id);
  const marker = findingMarkers(findings).get(connection.id);
  const streams = connection.kind === 'ws' || connection.kind === 'sse';
  const tabs: ConnectionTab[] = ['handshake'];
  if (summary || connection.kind === 'sse') tabs.push('llm');
  tabs.push('findings');
  tabs.push('protocol');
  if (streams) tabs.push('replay');
  const shown = tabs.includes(tab) ? tab : 'handshake';

  return (
    <div className="connection-pane">
      <div className="tabs connection-tabs" role="tablist" aria-label="Connection views">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={shown === name}
            aria-pressed={shown === name}
            onClick={() => {
              useUi.getState().setConnectionTab(name);
            }}
          >
            {tabLabels[name]}
            {name === 'findings' && marker && (
              <span className={`badge severity severity-${marker.worst}`}>{marker.count}</span>
            )}
            {name === 'llm' && summary?.ending === 'streaming' && ' ●'}
          </button>
        ))}
      </div>
      {shown === 'handshake' && <ConnectionInfo connectionId={connection.id} />}
      {shown !== 'handshake' && (
        <div className="entry-detail">
          <header className="pane-head">
            <h2>
              {connection.kind.toUpperCase()} {connection.url}
            </h2>
          </header>
          <div className="facts connection-tab-body" role="tabpanel">
            {shown === 'llm' && (
              <LlmView
                summary={summary}
                onSeq={(seq) => {
                  selectSeq(seq, connection.id);
                }}
                setMode={async (mode) => {
                  const next = await data.api.setLlmMode(connection.id, mode);
                  if (next) useInsight.getState().upsertLlm([next]);
                }}
              />
            )}
            {shown === 'findings' && <FindingsList findings={findings} onSeq={selectSeq} />}
            {shown === 'protocol' && (
              <ProtocolView
                connectionId={connection.id}
                overview={protocols}
                setProtocol={async (protocol) => {
                  const overview = await data.api.setProtocol(connection.id, protocol);
                  // The connection's entries now read differently: previews are fetched again.
                  data.previews.clear();
                  useProtocols.getState().setOverview(overview);
                }}
                onSeq={selectSeq}
              />
            )}
            {shown === 'replay' && (
              <ReplayPanel
                connection={connection}
                mocks={mocks}
                replay={(request) => data.api.replayConnection(request)}
                startMock={async (mode, port) => {
                  const mock = await data.api.startMock(
                    connection.id,
                    port === undefined ? { mode } : { mode, port },
                  );
                  useInsight.getState().setMocks(await data.api.listMocks());
                  return mock;
                }}
                stopMock={async (id) => {
                  useInsight.getState().setMocks(await data.api.stopMock(id));
                }}
                onSeq={selectSeq}
                onConnection={(id) => {
                  useUi.getState().showConnection(id, 'handshake');
                }}
              />
            )}
          </div>
        </div>
      )}
    </div>
  );
}
