import { useState } from 'react';
import type { Connection } from '../../../../shared/model/connection.ts';
import type { MockInfo, ReplayRequest, ReplayResult } from '../../../../shared/model/replay.ts';
import { errorMessage } from '../../components/format.ts';
import { copyText } from '../inspector/clipboard.ts';

/** Replay speeds as the menu offers them. */
export const REPLAY_CHOICES = [
  { value: 'x1', label: 'Original timing (×1)', mode: 'timed', speed: 1 },
  { value: 'x2', label: 'Twice as fast (×2)', mode: 'timed', speed: 2 },
  { value: 'x10', label: 'Ten times as fast (×10)', mode: 'timed', speed: 10 },
  { value: 'fast', label: 'As fast as possible', mode: 'fast' },
  { value: 'step', label: 'Each after the server’s reply', mode: 'step' },
] as const satisfies readonly {
  value: string;
  label: string;
  mode: ReplayRequest['mode'];
  speed?: number;
}[];

export interface ReplayPanelProps {
  connection: Connection;
  mocks: readonly MockInfo[];
  replay(request: ReplayRequest): Promise<ReplayResult>;
  startMock(mode: 'timed' | 'answer', port: number | undefined): Promise<MockInfo>;
  stopMock(id: string): Promise<unknown>;
  onSeq(seq: number, connectionId: string): void;
  onConnection(connectionId: string): void;
}

/** Replay a recorded WS/SSE connection (and compare the server's answers); serve it as a mock. */
export function ReplayPanel(props: ReplayPanelProps) {
  const [choice, setChoice] = useState<(typeof REPLAY_CHOICES)[number]['value']>('x1');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReplayResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mockMode, setMockMode] = useState<'timed' | 'answer'>('timed');
  const [port, setPort] = useState('');
  const [mockError, setMockError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const run = async (): Promise<void> => {
    const picked = REPLAY_CHOICES.find((item) => item.value === choice) ?? REPLAY_CHOICES[0];
    const request: ReplayRequest = { connectionId: props.connection.id, mode: picked.mode };
    if ('speed' in picked) request.speed = picked.speed;
    if (url.trim() !== '') request.url = url.trim();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await props.replay(request));
    } catch (failure) {
      setError(`Replay failed: ${errorMessage(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  const startMock = async (): Promise<void> => {
    setMockError(null);
    const portNumber = port.trim() === '' ? undefined : Number(port);
    if (
      portNumber !== undefined &&
      (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535)
    ) {
      setMockError('The port is a whole number from 0 to 65535 (empty picks a free one).');
      return;
    }
    try {
      await props.startMock(mockMode, portNumber);
    } catch (failure) {
      setMockError(`Mock not started: ${errorMessage(failure)}`);
    }
  };

  const differences = result?.comparison.differences ?? [];
  return (
    <div className="replay-panel">
      <section aria-label="Replay">
        <h3>Replay</h3>
        <p className="hint-text">
          Opens the connection again with its recorded handshake, sends the client’s messages, and
          compares what the server answers with the recording. The run is a new connection.
        </p>
        <div className="field-row">
          <label className="field">
            <span>Timing</span>
            <select
              aria-label="Timing"
              value={choice}
              onChange={(event) => {
                setChoice(event.target.value as typeof choice);
              }}
            >
              {REPLAY_CHOICES.map((item) => (
                <option key={item.value} value={item.value}>
                  {item.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field grow">
            <span>Other URL (optional)</span>
            <input
              aria-label="Other URL"
              placeholder={props.connection.url}
              value={url}
              onChange={(event) => {
                setUrl(event.target.value);
              }}
            />
          </label>
          <button type="button" className="primary" disabled={busy} onClick={() => void run()}>
            {busy ? 'Replaying…' : 'Replay'}
          </button>
        </div>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        {result && (
          <div className="replay-result" data-testid="replay-result">
            <p>
              Sent {result.sent} message{result.sent === 1 ? '' : 's'}. Server side: recorded{' '}
              {result.comparison.recorded}, replayed {result.comparison.replayed}, matched{' '}
              {result.comparison.matched}
              {differences.length === 0
                ? ' — no differences.'
                : `, ${differences.length} differ.`}{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  props.onConnection(result.connectionId);
                }}
              >
                Show the run
              </button>
            </p>
            {differences.length > 0 && (
              <table className="differences">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>What</th>
                    <th>Recorded</th>
                    <th>Replayed</th>
                  </tr>
                </thead>
                <tbody>
                  {differences.map((difference) => (
                    <tr key={difference.index} className={`difference-${difference.kind}`}>
                      <td>{difference.index + 1}</td>
                      <td>{difference.kind}</td>
                      <td>
                        {difference.recordedSeq !== undefined && (
                          <button
                            type="button"
                            className="link"
                            onClick={() => {
                              if (difference.recordedSeq !== undefined)
                                props.onSeq(difference.recordedSeq, result.replayOf);
                            }}
                          >
                            #{difference.recordedSeq}
                          </button>
                        )}{' '}
                        <code>{difference.recorded ?? ''}</code>
                      </td>
                      <td>
                        {difference.replayedSeq !== undefined && (
                          <button
                            type="button"
                            className="link"
                            onClick={() => {
                              if (difference.replayedSeq !== undefined)
                                props.onSeq(difference.replayedSeq, result.connectionId);
                            }}
                          >
                            #{difference.replayedSeq}
                          </button>
                        )}{' '}
                        <code>{difference.replayed ?? ''}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </section>
      <section aria-label="Mock server">
        <h3>Mock server</h3>
        <p className="hint-text">
          Serves this recording on a loopback port: the server’s side, timed or each in answer to
          the client’s next message
          {props.connection.kind === 'sse' ? ' (events resume from Last-Event-ID)' : ''}.
        </p>
        <div className="field-row">
          <label className="field">
            <span>Playback</span>
            <select
              aria-label="Playback"
              value={mockMode}
              onChange={(event) => {
                setMockMode(event.target.value as 'timed' | 'answer');
              }}
            >
              <option value="timed">Timed</option>
              <option value="answer">In answer to the client</option>
            </select>
          </label>
          <label className="field">
            <span>Port</span>
            <input
              aria-label="Port"
              placeholder="free"
              size={6}
              value={port}
              onChange={(event) => {
                setPort(event.target.value);
              }}
            />
          </label>
          <button type="button" onClick={() => void startMock()}>
            Start mock
          </button>
        </div>
        {mockError && (
          <p role="alert" className="error-text">
            {mockError}
          </p>
        )}
        {props.mocks.length > 0 && (
          <ul className="mock-list" aria-label="Running mocks">
            {props.mocks.map((mock) => (
              <li key={mock.id} className="field-row">
                <span className="badge">{mock.kind.toUpperCase()}</span>
                <code className="mock-url">{mock.url}</code>
                <span className="hint-text">
                  {mock.mode}
                  {mock.connectionId === props.connection.id ? '' : ' · another connection'}
                </span>
                <button
                  type="button"
                  onClick={() => {
                    void copyText(mock.url).then((ok) => {
                      setCopied(ok ? mock.id : null);
                    });
                  }}
                >
                  {copied === mock.id ? 'Copied' : 'Copy URL'}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    props.stopMock(mock.id).catch((failure: unknown) => {
                      setMockError(`Not stopped: ${errorMessage(failure)}`);
                    });
                  }}
                >
                  Stop
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
