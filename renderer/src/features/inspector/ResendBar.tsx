import { useState } from 'react';
import type { SentMessage } from '../../../../shared/model/replay.ts';
import type { WireEntry } from '../../../../shared/model/wire.ts';
import type { Connection } from '../../../../shared/model/connection.ts';
import { errorMessage } from '../../components/format.ts';
import { bodyOf, editableOf, withBody } from './resend.ts';

/** "Resend" and "Edit & resend" for a recorded message (the core picks its connection or a new one). */
export function ResendBar(props: {
  entry: WireEntry;
  resend(seq: number, edited?: SentMessage): Promise<Connection>;
  /** Shows the connection the message went on. */
  onSent?(connection: Connection): void;
}) {
  const [editing, setEditing] = useState<SentMessage | null>(null);
  const [body, setBody] = useState('');
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const go = async (edited?: SentMessage): Promise<void> => {
    setBusy(true);
    setStatus(null);
    try {
      const connection = await props.resend(props.entry.seq, edited);
      setStatus({
        kind: 'ok',
        message:
          connection.id === props.entry.connectionId
            ? 'Sent again on its connection.'
            : `Sent on a new connection to ${connection.url}.`,
      });
      setEditing(null);
      props.onSent?.(connection);
    } catch (error) {
      setStatus({ kind: 'error', message: `Not resent: ${errorMessage(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const checked = editing ? withBody(editing, body) : null;
  return (
    <div className="resend-bar">
      <div className="field-row">
        <button type="button" disabled={busy} onClick={() => void go()}>
          Resend
        </button>
        <button
          type="button"
          disabled={busy}
          aria-expanded={editing !== null}
          onClick={() => {
            if (editing) {
              setEditing(null);
              return;
            }
            const message = editableOf(props.entry);
            setEditing(message);
            setBody(bodyOf(message));
          }}
        >
          Edit &amp; resend
        </button>
        {status && (
          <span aria-live="polite" className={status.kind === 'error' ? 'error-text' : 'ok-text'}>
            {status.message}
          </span>
        )}
      </div>
      {editing && (
        <div className="resend-edit">
          {editing.kind === 'event' && (
            <div className="field-row">
              <label className="field">
                <span>Event</span>
                <input
                  value={editing.event ?? ''}
                  onChange={(event) => {
                    setEditing({ ...editing, event: event.target.value || undefined });
                  }}
                />
              </label>
              <label className="field">
                <span>Id</span>
                <input
                  value={editing.id ?? ''}
                  onChange={(event) => {
                    setEditing({ ...editing, id: event.target.value || undefined });
                  }}
                />
              </label>
            </div>
          )}
          <textarea
            aria-label={editing.kind === 'binary' ? 'Edited payload (base64)' : 'Edited payload'}
            className="composer-input"
            spellCheck={false}
            value={body}
            onChange={(event) => {
              setBody(event.target.value);
            }}
          />
          <div className="field-row">
            {typeof checked === 'string' && (
              <span role="alert" className="error-text">
                {checked}
              </span>
            )}
            <button
              type="button"
              className="primary"
              disabled={busy || checked === null || typeof checked === 'string'}
              onClick={() => {
                if (checked !== null && typeof checked !== 'string') void go(checked);
              }}
            >
              Send edited
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
