import { useEffect, useState } from 'react';
import type { PausedMessage, SentMessage } from '../../../../shared/model/replay.ts';
import { errorMessage } from '../../components/format.ts';
import { editedPaused, pausedBody } from './rules.ts';

export interface PausedQueueProps {
  paused: PausedMessage[];
  labelOf(connectionId: string): string;
  resolve(id: string, action: 'forward' | 'drop', edited?: SentMessage): Promise<unknown>;
  now?: () => number;
}

/** Messages held by a pause rule: edit, forward or drop each before its timeout forwards it. */
export function PausedQueue(props: PausedQueueProps) {
  const now = props.now ?? Date.now;
  const [time, setTime] = useState(now);
  // Deadlines on this machine's clock: the core's clock (remote with `telltale serve`) may differ,
  // so each message gets its timeout span from the moment it was first seen here.
  const [deadlines] = useState(() => new Map<string, number>());
  for (const message of props.paused) {
    if (!deadlines.has(message.id))
      deadlines.set(message.id, now() + (message.timeoutAt - message.pausedAt));
  }
  useEffect(() => {
    if (props.paused.length === 0) return;
    const timer = setInterval(() => {
      setTime(now());
    }, 250);
    return () => {
      clearInterval(timer);
    };
  }, [props.paused.length, now]);
  if (props.paused.length === 0)
    return <p className="hint-text">No message is paused. A “pause” rule holds matches here.</p>;
  return (
    <ol className="paused-list" aria-label="Paused messages">
      {props.paused.map((message) => (
        <PausedItem
          key={message.id}
          message={message}
          label={props.labelOf(message.connectionId)}
          secondsLeft={Math.max(
            0,
            Math.ceil(((deadlines.get(message.id) ?? message.timeoutAt) - time) / 1000),
          )}
          resolve={(id, action, edited) => props.resolve(id, action, edited)}
        />
      ))}
    </ol>
  );
}

function PausedItem(props: {
  message: PausedMessage;
  label: string;
  secondsLeft: number;
  resolve: PausedQueueProps['resolve'];
}) {
  const { message } = props;
  const [body, setBody] = useState(() => pausedBody(message));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const edited = editedPaused(message, body);
  const decide = async (action: 'forward' | 'drop'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await props.resolve(
        message.id,
        action,
        action === 'forward' ? (edited ?? undefined) : undefined,
      );
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };
  return (
    <li className="paused-item" data-paused={message.id}>
      <div className="field-row">
        <strong>{props.label}</strong>
        <span>{message.direction === 'out' ? '↑ to server' : '↓ to client'}</span>
        <span className="badge">{message.kind}</span>
        <span className="hint-text">rule {message.ruleId}</span>
        <span className="spacer" />
        <span className="time-left" title="It goes on unchanged when the time is up">
          forwards in {props.secondsLeft} s
        </span>
      </div>
      <textarea
        aria-label={`Paused payload ${message.id}`}
        className="composer-input"
        spellCheck={false}
        value={body}
        onChange={(event) => {
          setBody(event.target.value);
        }}
      />
      <div className="field-row">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void decide('forward')}
        >
          {edited ? 'Forward edited' : 'Forward'}
        </button>
        <button type="button" disabled={busy} onClick={() => void decide('drop')}>
          Drop
        </button>
        {message.payloadEncoding === 'base64' && <span className="hint-text">bytes as base64</span>}
        {error && (
          <span role="alert" className="error-text">
            {error}
          </span>
        )}
      </div>
    </li>
  );
}
