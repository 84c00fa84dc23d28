import { useState } from 'react';
import type { OpenConnectionRequest } from '../../../../shared/api.ts';
import type { Connection } from '../../../../shared/model/connection.ts';
import { errorMessage } from '../../components/format.ts';
import { loadRecent, rememberRecent } from './recent.ts';
import {
  emptyForm,
  formToRequest,
  modeForUrl,
  requestToForm,
  type ConnectForm,
} from './request.ts';

export interface ConnectDialogProps {
  open(request: OpenConnectionRequest): Promise<Connection>;
  onOpened(connection: Connection): void;
  onClose(): void;
}

/** New connection: URL, WS or SSE, headers, subprotocols, SSE method and body, TLS; recents remembered. */
export function ConnectDialog(props: ConnectDialogProps) {
  const [recent, setRecent] = useState(loadRecent);
  const [form, setForm] = useState<ConnectForm>(() => {
    const last = recent[0];
    return last ? requestToForm(last) : emptyForm;
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const patch = (change: Partial<ConnectForm>): void => {
    setForm({ ...form, ...change });
    setError(null);
  };

  const submit = async (): Promise<void> => {
    const built = formToRequest(form);
    if (!built.ok) {
      setError(built.error);
      return;
    }
    setBusy(true);
    try {
      const connection = await props.open(built.request);
      setRecent(rememberRecent(built.request));
      props.onOpened(connection);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="connect-title"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            props.onClose();
          }
        }}
      >
        <h2 id="connect-title">New connection</h2>
        <label className="field">
          <span>URL</span>
          <input
            autoFocus
            required
            type="text"
            value={form.url}
            placeholder="wss://echo.example/socket or https://api.example/events"
            spellCheck={false}
            onChange={(event) => {
              patch({ url: event.target.value, mode: modeForUrl(event.target.value, form.mode) });
            }}
          />
        </label>
        <div className="field-row" role="radiogroup" aria-label="Protocol">
          <label>
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'ws'}
              onChange={() => {
                patch({ mode: 'ws' });
              }}
            />{' '}
            WebSocket
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'sse'}
              onChange={() => {
                patch({ mode: 'sse' });
              }}
            />{' '}
            Server-Sent Events
          </label>
          <label title="Accept any certificate (self-signed development servers)">
            <input
              type="checkbox"
              checked={form.insecure}
              onChange={(event) => {
                patch({ insecure: event.target.checked });
              }}
            />{' '}
            Skip TLS verification
          </label>
        </div>
        {form.mode === 'ws' ? (
          <div className="field-row">
            <label className="field grow">
              <span>Subprotocols</span>
              <input
                type="text"
                value={form.protocols}
                placeholder="graphql-transport-ws, v2"
                onChange={(event) => {
                  patch({ protocols: event.target.value });
                }}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={form.deflate}
                onChange={(event) => {
                  patch({ deflate: event.target.checked });
                }}
              />{' '}
              Offer permessage-deflate
            </label>
          </div>
        ) : (
          <div className="field-row">
            <label className="field">
              <span>Method</span>
              <select
                value={form.method}
                onChange={(event) => {
                  patch({ method: event.target.value });
                }}
              >
                <option>GET</option>
                <option>POST</option>
                <option>PUT</option>
              </select>
            </label>
            {form.method !== 'GET' && (
              <label className="field grow">
                <span>Body</span>
                <textarea
                  rows={3}
                  value={form.body}
                  spellCheck={false}
                  onChange={(event) => {
                    patch({ body: event.target.value });
                  }}
                />
              </label>
            )}
          </div>
        )}
        <fieldset className="headers-editor">
          <legend>Headers</legend>
          {form.headers.map((header, i) => (
            <div className="field-row" key={i}>
              <input
                aria-label={`Header ${i + 1} name`}
                placeholder="Name"
                value={header.name}
                onChange={(event) => {
                  patch({
                    headers: form.headers.map((h, j) =>
                      j === i ? { ...h, name: event.target.value } : h,
                    ),
                  });
                }}
              />
              <input
                className="grow"
                aria-label={`Header ${i + 1} value`}
                placeholder="Value"
                value={header.value}
                onChange={(event) => {
                  patch({
                    headers: form.headers.map((h, j) =>
                      j === i ? { ...h, value: event.target.value } : h,
                    ),
                  });
                }}
              />
              <button
                type="button"
                aria-label={`Remove header ${i + 1}`}
                onClick={() => {
                  patch({ headers: form.headers.filter((_, j) => j !== i) });
                }}
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => {
              patch({ headers: [...form.headers, { name: '', value: '' }] });
            }}
          >
            + Header
          </button>
        </fieldset>
        {recent.length > 0 && (
          <label className="field">
            <span>Recent</span>
            <select
              value=""
              onChange={(event) => {
                const request = recent[Number(event.target.value)];
                if (request) setForm(requestToForm(request));
              }}
            >
              <option value="">Choose a recent connection…</option>
              {recent.map((request, i) => (
                <option key={i} value={i}>
                  {(request.mode ?? '').toUpperCase()} {request.url}
                </option>
              ))}
            </select>
          </label>
        )}
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button
            type="button"
            onClick={() => {
              props.onClose();
            }}
          >
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
    </div>
  );
}
