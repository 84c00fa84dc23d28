import { useRef, useState } from 'react';
import type { Connection } from '../../../../shared/model/connection.ts';
import { errorMessage, formatBytes } from '../../components/format.ts';
import {
  buildMessage,
  COMPOSER_MODES,
  prettyJson,
  type ComposerMode,
  type BuiltMessage,
} from './message.ts';
import {
  deleteSnippet,
  loadHistory,
  loadSnippets,
  pushHistory,
  saveSnippet,
  type SavedMessage,
} from './saved.ts';

export interface ComposerProps {
  /** The connection messages go to (the selected one), if any. */
  target: Connection | undefined;
  targetLabel: string;
  send(
    connectionId: string,
    message: Extract<BuiltMessage, { ok: true }>['message'],
  ): Promise<void>;
  textareaRef?: React.Ref<HTMLTextAreaElement>;
}

const modeLabels: Record<ComposerMode, string> = {
  text: 'Text',
  json: 'JSON',
  hex: 'Hex',
  base64: 'Base64',
};

/** Why a message cannot go to this connection now, or null when it can. */
export function cannotSendTo(target: Connection | undefined): string | null {
  if (!target) return 'Select a WebSocket connection to send to.';
  if (target.kind !== 'ws')
    return `Only WebSocket connections take messages; #${target.id.slice(0, 6)} is ${target.kind.toUpperCase()}.`;
  if (target.source !== 'client' && target.source !== 'replay')
    return 'This connection belongs to another client (proxied or imported): Telltale cannot send on it.';
  if (target.state !== 'open') return `The connection is ${target.state}: open a new one to send.`;
  return null;
}

/** Manual sending: text, JSON (validated, prettified) or binary as hex or base64; Ctrl/Cmd+Enter sends. */
export function Composer(props: ComposerProps) {
  const [mode, setMode] = useState<ComposerMode>('text');
  const [text, setText] = useState('');
  const [status, setStatus] = useState<{ kind: 'error' | 'ok'; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<SavedMessage[]>(loadHistory);
  const [snippets, setSnippets] = useState(loadSnippets);
  const [snippetName, setSnippetName] = useState('');
  const fallbackRef = useRef<HTMLTextAreaElement>(null);

  const built = text === '' ? null : buildMessage(mode, text);
  const blocked = cannotSendTo(props.target);

  const send = async (): Promise<void> => {
    if (!props.target || blocked) {
      setStatus({ kind: 'error', message: blocked ?? 'Nothing to send to.' });
      return;
    }
    const message = buildMessage(mode, text);
    if (!message.ok) {
      setStatus({ kind: 'error', message: message.error });
      return;
    }
    setBusy(true);
    try {
      await props.send(props.target.id, message.message);
      setHistory(pushHistory({ mode, text }));
      setStatus({
        kind: 'ok',
        message: `Sent ${formatBytes(message.size)} to ${props.targetLabel}.`,
      });
    } catch (error) {
      setStatus({ kind: 'error', message: `Not sent: ${errorMessage(error)}` });
    } finally {
      setBusy(false);
    }
  };

  const load = (saved: SavedMessage): void => {
    setMode(saved.mode);
    setText(saved.text);
    setStatus(null);
  };

  return (
    <section className="composer" aria-label="Composer">
      <div className="composer-head">
        <div className="segmented" role="group" aria-label="Message format">
          {COMPOSER_MODES.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={mode === name}
              onClick={() => {
                setMode(name);
              }}
            >
              {modeLabels[name]}
            </button>
          ))}
        </div>
        {mode === 'json' && (
          <button
            type="button"
            disabled={built?.ok !== true}
            onClick={() => {
              setText(prettyJson(text) ?? text);
            }}
          >
            Pretty-print
          </button>
        )}
        <select
          aria-label="History"
          value=""
          onChange={(event) => {
            const item = history[Number(event.target.value)];
            if (item) load(item);
          }}
        >
          <option value="">History ({history.length})</option>
          {history.map((item, i) => (
            <option key={i} value={i}>
              [{item.mode}] {item.text.slice(0, 60)}
            </option>
          ))}
        </select>
        <select
          aria-label="Snippets"
          value=""
          onChange={(event) => {
            const item = snippets.find((snippet) => snippet.name === event.target.value);
            if (item) load(item);
          }}
        >
          <option value="">Snippets ({snippets.length})</option>
          {snippets.map((item) => (
            <option key={item.name} value={item.name}>
              {item.name}
            </option>
          ))}
        </select>
        <input
          aria-label="Snippet name"
          placeholder="snippet name"
          value={snippetName}
          size={12}
          onChange={(event) => {
            setSnippetName(event.target.value);
          }}
        />
        <button
          type="button"
          disabled={snippetName.trim() === '' || text === ''}
          onClick={() => {
            setSnippets(saveSnippet({ name: snippetName.trim(), mode, text }));
          }}
        >
          Save
        </button>
        <button
          type="button"
          disabled={!snippets.some((item) => item.name === snippetName.trim())}
          onClick={() => {
            setSnippets(deleteSnippet(snippetName.trim()));
          }}
        >
          Delete
        </button>
      </div>
      <textarea
        ref={props.textareaRef ?? fallbackRef}
        className={built && !built.ok ? 'composer-input invalid' : 'composer-input'}
        aria-label="Message"
        aria-invalid={built ? !built.ok : false}
        spellCheck={false}
        placeholder={
          mode === 'hex'
            ? 'de ad be ef …'
            : mode === 'base64'
              ? 'SGVsbG8='
              : mode === 'json'
                ? '{"type":"ping"}'
                : 'Message text'
        }
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setStatus(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <div className="composer-foot">
        <span className="composer-target">
          To: {props.target ? props.targetLabel : 'no connection selected'}
          {built?.ok && ` · ${formatBytes(built.size)}`}
        </span>
        <span
          role="alert"
          className={status?.kind === 'error' || (built && !built.ok) ? 'error-text' : 'ok-text'}
        >
          {built && !built.ok
            ? built.error
            : (status?.message ?? (blocked && props.target ? blocked : ''))}
        </span>
        <button
          type="button"
          className="primary"
          disabled={busy || blocked !== null || !built?.ok}
          title={blocked ?? 'Send (Ctrl/Cmd+Enter)'}
          onClick={() => void send()}
        >
          Send
        </button>
      </div>
    </section>
  );
}
