import { useState } from 'react';
import type { ProxySettings } from '../../../../shared/api.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { errorMessage } from '../../components/format.ts';
import { useProxy } from '../../stores/proxy.ts';
import { copyText } from '../inspector/clipboard.ts';
import { downloadFile } from '../session/files.ts';
import { setupSnippets } from './snippets.ts';

/** Start and stop the proxy, its port, MITM and reverse target, the CA, and setup snippets. */
export function ProxyPanel(props: { onClose(): void }) {
  const data = useTimelineData();
  const state = useProxy((s) => s.state);
  const [port, setPort] = useState(String(state?.settings.port ?? 8080));
  const [mitm, setMitm] = useState(state?.settings.mitm ?? false);
  const [target, setTarget] = useState(state?.settings.target ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);

  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const start = (): Promise<void> =>
    run(async () => {
      const portNumber = Number(port);
      if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535)
        throw new Error('The port is a whole number from 0 to 65535 (0 picks a free one).');
      const settings: ProxySettings = { ...state?.settings, port: portNumber, mitm };
      if (target.trim() === '') delete settings.target;
      else settings.target = target.trim();
      useProxy.getState().set(await data.api.startProxy(settings));
    });

  const snippets = state ? setupSnippets(state) : [];
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="proxy-title">
        <h2 id="proxy-title">Proxy</h2>
        <p
          aria-live="polite"
          className={state?.error ? 'error-text' : undefined}
          data-testid="proxy-status"
        >
          {!state
            ? 'Asking the core…'
            : state.running
              ? `Listening at ${state.url ?? '?'}${state.settings.mitm ? ' with HTTPS interception' : ''}${state.settings.target ? `, forwarding to ${state.settings.target}` : ''}.`
              : `Stopped.${state.error ? ` ${state.error}` : ''}`}
        </p>
        <div className="field-row">
          <label className="field">
            <span>Port</span>
            <input
              type="number"
              min={0}
              max={65535}
              value={port}
              onChange={(event) => {
                setPort(event.target.value);
              }}
            />
          </label>
          <label title="Decrypt HTTPS in CONNECT tunnels with Telltale's own CA (clients must trust it)">
            <input
              type="checkbox"
              checked={mitm}
              onChange={(event) => {
                setMitm(event.target.checked);
              }}
            />{' '}
            Intercept HTTPS (MITM)
          </label>
          <label className="field grow">
            <span>Reverse target (optional)</span>
            <input
              type="text"
              placeholder="https://api.example.com"
              value={target}
              onChange={(event) => {
                setTarget(event.target.value);
              }}
            />
          </label>
        </div>
        <div className="field-row">
          <button type="button" className="primary" disabled={busy} onClick={() => void start()}>
            {state?.running ? 'Restart' : 'Start'}
          </button>
          <button
            type="button"
            disabled={busy || !state?.running}
            onClick={() =>
              void run(async () => {
                useProxy.getState().set(await data.api.stopProxy());
              })
            }
          >
            Stop
          </button>
          <button
            type="button"
            disabled={busy}
            title="Download Telltale's CA certificate (PEM) to trust it in a client"
            onClick={() =>
              void run(async () => {
                const ca = await data.api.getCaCertificate();
                downloadFile({ fileName: 'telltale-ca.pem', text: ca.pem });
              })
            }
          >
            Export CA certificate
          </button>
        </div>
        {state?.ca && (
          <p className="hint-text">
            CA: <code>{state.ca.certPath}</code> · SPKI SHA-256 <code>{state.ca.spkiSha256}</code>
          </p>
        )}
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        {snippets.map((snippet) => (
          <section key={snippet.title} className="snippet">
            <header className="field-row">
              <h3>{snippet.title}</h3>
              <button
                type="button"
                onClick={() => {
                  void copyText(snippet.text).then((ok) => {
                    setCopied(ok ? snippet.title : null);
                  });
                }}
              >
                {copied === snippet.title ? 'Copied' : 'Copy'}
              </button>
            </header>
            <pre>{snippet.text}</pre>
          </section>
        ))}
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

/** The toolbar button: the proxy's state at a glance. */
export function ProxyButton(props: { onOpen(): void }) {
  const state = useProxy((s) => s.state);
  return (
    <button
      type="button"
      onClick={() => {
        props.onOpen();
      }}
      title="Proxy settings and setup snippets (X)"
    >
      <span className={state?.running ? 'state state-open' : 'state state-closed'}>●</span> Proxy
      {state?.running && state.url ? ` ${new URL(state.url).port}` : ''}
    </button>
  );
}
