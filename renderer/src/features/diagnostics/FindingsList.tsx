import type { Finding } from '../../../../shared/model/diagnostics.ts';
import { sortFindings } from '../../stores/insight.ts';

/** Diagnostics findings, worst first: rule, severity, what was seen, the fix, the evidence. */
export function FindingsList(props: {
  findings: readonly Finding[];
  onSeq(seq: number, connectionId: string): void;
  /** Shown before each finding when the list spans connections. */
  labelOf?: (connectionId: string) => string;
}) {
  if (props.findings.length === 0)
    return <p className="empty">No findings: nothing the stream diagnostics check went wrong.</p>;
  return (
    <ol className="findings" aria-label="Findings">
      {sortFindings(props.findings).map((finding, i) => (
        <li
          key={`${finding.rule}-${finding.connectionId}-${i}`}
          className="finding"
          data-rule={finding.rule}
        >
          <div className="field-row">
            <span className={`badge severity severity-${finding.severity}`}>
              {finding.severity}
            </span>
            <code>{finding.rule}</code>
            {props.labelOf && (
              <span className="hint-text">{props.labelOf(finding.connectionId)}</span>
            )}
          </div>
          <p className="finding-message">{finding.message}</p>
          <details>
            <summary>How to fix it</summary>
            <p>{finding.fix}</p>
          </details>
          {(finding.evidence.seqs.length > 0 || finding.evidence.headers.length > 0) && (
            <div className="evidence">
              <span className="hint-text">Evidence</span>
              {finding.evidence.seqs.map((seq) => (
                <button
                  key={seq}
                  type="button"
                  className="link"
                  onClick={() => {
                    props.onSeq(seq, finding.connectionId);
                  }}
                >
                  #{seq}
                </button>
              ))}
              {finding.evidence.headers.map(([name, value], h) => (
                <code key={h} className="evidence-header">
                  {name}: {value}
                </code>
              ))}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
