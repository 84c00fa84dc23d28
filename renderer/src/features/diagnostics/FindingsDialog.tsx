import { useConnections } from '../../stores/connections.ts';
import { findingMarkers, useInsight, worseSeverity } from '../../stores/insight.ts';
import { useUi } from '../../stores/ui.ts';
import type { Severity } from '../../../../shared/model/diagnostics.ts';
import { FindingsList } from './FindingsList.tsx';

/** Every finding of the session, across connections (the list's markers show them per connection). */
export function FindingsDialog(props: { onClose(): void }) {
  const findings = useInsight((s) => s.findings);
  const order = useConnections((s) => s.order);
  const byId = useConnections((s) => s.byId);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      <div className="dialog wide" role="dialog" aria-modal="true" aria-labelledby="findings-title">
        <h2 id="findings-title">Findings ({findings.length})</h2>
        <FindingsList
          findings={findings}
          labelOf={(id) => `#${order.indexOf(id) + 1} ${byId[id]?.url ?? id}`}
          onSeq={(seq, connectionId) => {
            useUi.getState().selectRow(seq, connectionId);
            props.onClose();
          }}
        />
        <div className="dialog-actions">
          <button
            type="button"
            onClick={() => {
              props.onClose();
            }}
          >
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

/** The toolbar button: how many findings, coloured by the worst. */
export function FindingsButton(props: { onOpen(): void }) {
  const findings = useInsight((s) => s.findings);
  let worst: Severity | null = null;
  for (const marker of findingMarkers(findings).values())
    worst = worst ? worseSeverity(worst, marker.worst) : marker.worst;
  return (
    <button
      type="button"
      onClick={() => {
        props.onOpen();
      }}
      title="Stream diagnostics: every finding of the session"
    >
      Findings{' '}
      <span className={`badge severity severity-${worst ?? 'info'}`}>{findings.length}</span>
    </button>
  );
}
