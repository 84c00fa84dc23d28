import { useRef, useState } from 'react';
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction } from '../../../../shared/model/entry.ts';
import type { SentMessage } from '../../../../shared/model/replay.ts';
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
  /** Into a live proxied connection (toward the server `out`, toward the client `in`). */
  inject?(connectionId: string, direction: Direction, message: SentMessage): Promise<void>;
  textareaRef?: React.Ref<HTMLTextAreaElement>;
}

const modeLabels: Record<ComposerMode, string> = {
  text: 'Text',
  json: 'JSON',
  hex: 'Hex',
  base64: 'Base64',
};

/** How a message reaches this connection: sent by Telltale's own client, or injected by the proxy. */
export type SendRoute = 'send' | 'inject-ws' | 'inject-sse';

export function sendRouteOf(target: Connection): SendRoute | null {
  if (target.source === 'proxy') {
    if (target.kind === 'ws') return 'inject-ws';
    if (target.kind === 'sse') return 'inject-sse';
    return null;
  }
  if (target.kind === 'ws' && (target.source === 'client' || target.source === 'replay'))
    return 'send';
  return null;
}

/** Why a message cannot go to this connection now, or null when it can. */
export function cannotSendTo(target: Connection | undefined): string | null {
  if (!target) return 'Select a WebSocket connection to send to.';
  const route = sendRouteOf(target);
  if (route === null) {
    if (target.source === 'import')
      return 'This connection was imported from a file: nothing is live to send on.';
    return `Only WebSocket connections (and proxied event streams) take messages; #${target.id.slice(0, 6)} is ${target.kind.toUpperCase()}.`;
  }
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
  const [direction, setDirection] = useState<Direction>('out');
  const [eventName, setEventName] = useState('');
  const [eventId, setEventId] = useState('');
  const fallbackRef = useRef<HTMLTextAreaElement>(null);

  const route = props.target ? sendRouteOf(props.target) : null;
  const built = text === '' ? null : buildMessage(mode, text);
  const blocked =
    cannotSendTo(props.target) ??
    (route === 'inject-sse' && built?.ok && built.message.kind === 'binary'
      ? 'An SSE event carries text: use Text or JSON.'
      : null) ??
    (route !== 'send' && !props.inject ? 'Injection is not available here.' : null);

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
      let where = props.targetLabel;
      if (route === 'send') {
        await props.send(props.target.id, message.message);
      } else if (route === 'inject-sse' && message.message.kind === 'text') {
        const event: SentMessage = { kind: 'event', data: message.message.text };
        if (eventName !== '') event.event = eventName;
        if (eventId !== '') event.id = eventId;
        await props.inject?.(props.target.id, 'in', event);
        where = `the client of ${props.targetLabel} (injected event)`;
      } else {
        await props.inject?.(props.target.id, direction, message.message);
        where = `${direction === 'out' ? 'the server' : 'the client'} of ${props.targetLabel} (injected)`;
      }
      setHistory(pushHistory({ mode, text }));
      setStatus({
        kind: 'ok',
        message: `Sent ${formatBytes(message.size)} to ${where}.`,
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
        {route === 'inject-ws' && (
          <div className="segmented" role="group" aria-label="Inject toward">
            {(['out', 'in'] as const).map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={direction === value}
                title={
                  value === 'out'
                    ? 'The proxy sends it to the server as if the client had'
                    : 'The proxy sends it to the client as if the server had'
                }
                onClick={() => {
                  setDirection(value);
                }}
              >
                {value === 'out' ? '↑ to server' : '↓ to client'}
              </button>
            ))}
          </div>
        )}
        {route === 'inject-sse' && (
          <>
            <span className="group-label">Event to the client</span>
            <input
              aria-label="Event name"
              placeholder="event (message)"
              size={12}
              value={eventName}
              onChange={(event) => {
                setEventName(event.target.value.replace(/[\r\n]/g, ''));
              }}
            />
            <input
              aria-label="Event id"
              placeholder="id"
              size={6}
              value={eventId}
              onChange={(event) => {
                setEventId(event.target.value.replace(/[\r\n]/g, ''));
              }}
            />
          </>
        )}
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
          className={
            status?.kind === 'error' || (built && !built.ok)
              ? 'error-text'
              : status
                ? 'ok-text'
                : 'hint-text'
          }
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
