import type { LlmModeOverride, LlmSummary } from '../../../../shared/model/llm.ts';
import {
  argumentsText,
  endingText,
  flavorLabels,
  formatMs,
  tokensPerSecondText,
  usageText,
} from './figures.ts';
import { LlmModeForm } from './LlmModeForm.tsx';

export interface LlmViewProps {
  summary: LlmSummary | undefined;
  /** Jump to an entry (a stall, the error). */
  onSeq: (seq: number) => void;
  setMode: (mode: LlmModeOverride | null) => Promise<unknown>;
}

/** An LLM token stream as the answer it is becoming, with its timing; live from `onLlm`. */
export function LlmView(props: LlmViewProps) {
  const { summary } = props;
  if (!summary) {
    return (
      <div className="llm-view">
        <p className="empty">
          Not recognised as an LLM token stream. If it is one, say how to read it:
        </p>
        <LlmModeForm flavor={null} setMode={props.setMode} />
      </div>
    );
  }
  const timing = summary.timing;
  return (
    <div className="llm-view" aria-label="LLM stream">
      <div className="facts">
        <dl>
          <dt>Format</dt>
          <dd>{flavorLabels[summary.flavor]}</dd>
          <dt>Model</dt>
          <dd>{summary.model ?? summary.request?.model ?? '—'}</dd>
          <dt>Ending</dt>
          <dd className={`llm-ending ending-${summary.ending}`} data-testid="llm-ending">
            {endingText(summary)}
            {summary.error?.seq !== undefined && (
              <>
                {' '}
                <SeqLink seq={summary.error.seq} onSeq={props.onSeq} />
              </>
            )}
          </dd>
          <dt>Stop reason</dt>
          <dd>{summary.stopReason ?? '—'}</dd>
          <dt>Usage</dt>
          <dd>{usageText(summary)}</dd>
          <dt>TTFT</dt>
          <dd>{formatMs(timing.ttftMs)}</dd>
          <dt>Duration</dt>
          <dd>{formatMs(timing.durationMs)}</dd>
          <dt>Speed</dt>
          <dd>{tokensPerSecondText(summary)}</dd>
          <dt>Deltas</dt>
          <dd>{timing.deltaCount}</dd>
          <dt>Gaps</dt>
          <dd>
            {timing.gaps
              ? `p50 ${formatMs(timing.gaps.p50)} · p95 ${formatMs(timing.gaps.p95)} · max ${formatMs(timing.gaps.max)}`
              : '—'}
          </dd>
          <dt>Stalls</dt>
          <dd>
            {timing.stalls.length === 0
              ? 'none over 1 s'
              : timing.stalls.map((stall) => (
                  <button
                    key={stall.seq}
                    type="button"
                    className="link stall"
                    title={`No content for ${formatMs(stall.gapMs)} after #${stall.afterSeq}`}
                    onClick={() => {
                      props.onSeq(stall.seq);
                    }}
                  >
                    {formatMs(stall.gapMs)} before #{stall.seq}
                  </button>
                ))}
          </dd>
          {summary.connectionIds.length > 1 && (
            <>
              <dt>Resumed</dt>
              <dd>
                across {summary.connectionIds.length} connections
                {summary.replayedEvents > 0 &&
                  `, ${summary.replayedEvents} replayed events skipped`}
              </dd>
            </>
          )}
        </dl>
      </div>
      {summary.thinking !== undefined && summary.thinking !== '' && (
        <details className="llm-thinking">
          <summary>Thinking ({summary.thinking.length} chars)</summary>
          <pre className="payload-text">{summary.thinking}</pre>
        </details>
      )}
      <section>
        <h3>Answer</h3>
        <pre className="payload-text llm-text" aria-label="Assembled text" aria-live="off">
          {summary.text === '' ? '(no text yet)' : summary.text}
          {summary.ending === 'streaming' && <span className="cursor">▍</span>}
        </pre>
      </section>
      {summary.toolCalls.length > 0 && (
        <section>
          <h3>Tool calls</h3>
          {summary.toolCalls.map((call) => (
            <div key={call.index} className="tool-call">
              <strong>{call.name}</strong>
              {call.id && <code className="hint-text"> {call.id}</code>}
              <pre className="payload-text">{argumentsText(call.arguments)}</pre>
            </div>
          ))}
        </section>
      )}
      {summary.request && (
        <details className="llm-request">
          <summary>
            Request: {summary.request.messages.length} message
            {summary.request.messages.length === 1 ? '' : 's'}
            {summary.request.tools.length > 0 && `, tools ${summary.request.tools.join(', ')}`}
          </summary>
          {summary.request.system && (
            <p>
              <strong>system</strong> {summary.request.system}
            </p>
          )}
          <ol className="llm-messages">
            {summary.request.messages.map((message, i) => (
              <li key={i}>
                <strong>{message.role}</strong> {message.text}
              </li>
            ))}
          </ol>
          {Object.keys(summary.request.parameters).length > 0 && (
            <p className="hint-text">
              {Object.entries(summary.request.parameters)
                .map(([name, value]) => `${name}=${String(value)}`)
                .join(' · ')}
            </p>
          )}
        </details>
      )}
      <LlmModeForm flavor={summary.flavor} setMode={props.setMode} />
    </div>
  );
}

export function SeqLink(props: { seq: number; onSeq: (seq: number) => void }) {
  return (
    <button
      type="button"
      className="link"
      onClick={() => {
        props.onSeq(props.seq);
      }}
    >
      #{props.seq}
    </button>
  );
}
