import { useEffect, useState } from 'react';
import type { WireEntry } from '../../../../shared/model/wire.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { errorMessage } from '../../components/format.ts';
import { useUi } from '../../stores/ui.ts';
import { ConnectionPane } from '../connection/ConnectionPane.tsx';
import { copyText } from './clipboard.ts';
import { EntryFacts } from './EntryFacts.tsx';
import { HexView } from './HexView.tsx';
import { JsonTree } from './JsonTree.tsx';
import { payloadFormatLabels, PayloadTreeView } from './PayloadTreeView.tsx';
import { bytesToBase64, bytesToHex, decodePayload } from './payload.ts';
import { rawEventText } from './sse-raw.ts';
import { canResend, interventionLabels } from './resend.ts';
import { ResendBar } from './ResendBar.tsx';
import { ProtocolMessages } from '../protocols/ProtocolMessages.tsx';
import { useProtocolDetail } from '../protocols/useProtocolDetail.ts';

type Tab = 'text' | 'json' | 'tree' | 'hex' | 'raw';

type Loaded =
  | { state: 'none' }
  | { state: 'loading'; seq: number }
  | { state: 'error'; seq: number; message: string }
  | { state: 'ready'; entry: WireEntry };

/** The selected entry, fetched in full by seq: payload views, decoder facts, copy actions. */
export function DetailPane() {
  const data = useTimelineData();
  const seq = useUi((s) => s.selectedSeq);
  const connectionId = useUi((s) => s.selectedConnectionId);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'none' });

  useEffect(() => {
    if (seq === null) {
      setLoaded({ state: 'none' });
      return;
    }
    let current = true;
    setLoaded({ state: 'loading', seq });
    data.api
      .getEntry(seq)
      .then((entry) => {
        if (!current) return;
        setLoaded(
          entry
            ? { state: 'ready', entry }
            : { state: 'error', seq, message: 'This entry is no longer in the session.' },
        );
      })
      .catch((error: unknown) => {
        if (current) setLoaded({ state: 'error', seq, message: errorMessage(error) });
      });
    return () => {
      current = false;
    };
  }, [data, seq]);

  if (loaded.state === 'none') {
    return connectionId ? (
      <ConnectionPane connectionId={connectionId} />
    ) : (
      <p className="empty">Select a row to see its payload and details.</p>
    );
  }
  if (loaded.state === 'loading') return <p className="empty">Loading #{loaded.seq}…</p>;
  if (loaded.state === 'error')
    return (
      <p className="empty error-text">
        #{loaded.seq}: {loaded.message}
      </p>
    );
  return <EntryDetail key={loaded.entry.seq} entry={loaded.entry} />;
}

function EntryDetail(props: { entry: WireEntry }) {
  const { entry } = props;
  const data = useTimelineData();
  const payload = decodePayload(entry);
  const protocol = useProtocolDetail(entry.seq);
  const isEvent = entry.kind === 'event' || entry.kind === 'comment';
  // A msgpack/CBOR tree comes with the protocol detail (decoded in the core), after the entry.
  const tree = payload.binary ? protocol?.payload : undefined;
  const tabs: Tab[] = [];
  if (payload.json) tabs.push('json');
  if (tree) tabs.push('tree');
  tabs.push('text');
  if (isEvent) tabs.push('raw');
  tabs.push('hex');
  const [picked, setPicked] = useState<Tab | null>(null);
  // Until the user picks a tab, a binary payload opens on its tree once that has come.
  const tab: Tab =
    picked !== null && tabs.includes(picked)
      ? picked
      : tree
        ? 'tree'
        : payload.binary
          ? 'hex'
          : (tabs[0] ?? 'text');
  const [copied, setCopied] = useState<string | null>(null);

  const copy = (what: string, text: string): void => {
    void copyText(text).then((ok) => {
      setCopied(ok ? `Copied ${what}` : 'The clipboard is not available here');
    });
  };
  const setFilter = (path: string, value: string): void => {
    const quoted = /^[\w.-]+$/.test(value) ? value : JSON.stringify(value);
    useUi.getState().setFilter({ text: `json:${path.replace(/^\$\.?/, '')}=${quoted}` });
  };

  return (
    <div className="entry-detail">
      <header className="pane-head">
        <h2>
          <button
            type="button"
            className="link"
            title="Back to the connection: handshake, LLM, findings, replay"
            onClick={() => {
              useUi.getState().selectRow(null, entry.connectionId);
            }}
          >
            Connection
          </button>{' '}
          › #{entry.seq} {entry.kind}{' '}
          {entry.intervention && (
            <span
              className={`badge intervention intervention-${entry.intervention}`}
              title={interventionLabels[entry.intervention]}
            >
              {entry.intervention}
            </span>
          )}
        </h2>
        <div className="tabs" role="tablist">
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              aria-pressed={tab === name}
              onClick={() => {
                setPicked(name);
              }}
            >
              {name === 'raw'
                ? 'Raw event'
                : name === 'json'
                  ? 'JSON'
                  : name === 'tree' && tree
                    ? payloadFormatLabels[tree.format]
                    : name === 'hex'
                      ? 'Hex'
                      : 'Text'}
            </button>
          ))}
        </div>
      </header>
      {protocol && (
        <ProtocolMessages
          detail={protocol}
          foldTrees={payload.json !== null && protocol.annotation.messages.length === 1}
          onJump={(ref) => {
            useUi.getState().selectRow(ref.seq, ref.connectionId);
          }}
        />
      )}
      <div className="payload" role="tabpanel">
        {tab === 'json' && payload.json && (
          <JsonTree value={payload.json.value} onFilter={setFilter} />
        )}
        {tab === 'tree' && tree && <PayloadTreeView payload={tree} />}
        {tab === 'text' && (
          <pre className="payload-text">
            {payload.binary && (
              <span className="note-mark">{'(bytes shown as lossy UTF-8)\n'}</span>
            )}
            {payload.text === '' ? '(empty)' : payload.text}
          </pre>
        )}
        {tab === 'raw' && <pre className="payload-text">{rawEventText(entry, payload.text)}</pre>}
        {tab === 'hex' && <HexView bytes={payload.bytes} />}
      </div>
      <div className="copy-bar">
        <span>Copy as</span>
        <button
          type="button"
          onClick={() => {
            copy('text', payload.text);
          }}
        >
          text
        </button>
        <button
          type="button"
          onClick={() => {
            copy('JSON', JSON.stringify(entry, null, 2));
          }}
        >
          JSON
        </button>
        <button
          type="button"
          onClick={() => {
            copy('base64', bytesToBase64(payload.bytes));
          }}
        >
          base64
        </button>
        <button
          type="button"
          onClick={() => {
            copy('hex', bytesToHex(payload.bytes));
          }}
        >
          hex
        </button>
        {copied && (
          <span className="copied" aria-live="polite">
            {copied}
          </span>
        )}
      </div>
      {canResend(entry) && (
        <ResendBar
          entry={entry}
          resend={(seq, edited) =>
            // Not `undefined` as an argument: over the WebSocket transport it arrives as null.
            edited ? data.api.resendEntry(seq, edited) : data.api.resendEntry(seq)
          }
        />
      )}
      <EntryFacts entry={entry} />
    </div>
  );
}
