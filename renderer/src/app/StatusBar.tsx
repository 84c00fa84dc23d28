import { useSyncExternalStore } from 'react';
import { useConnections } from '../stores/connections.ts';
import { useTimelineData } from './data-context.ts';

export type CoreStatus =
  | { state: 'connecting' }
  | { state: 'ready'; version: string; host: string }
  | { state: 'error'; message: string };

/** The one live region: whether the core is reachable, and the session's size. */
export function StatusBar(props: { status: CoreStatus }) {
  const { status } = props;
  return (
    <footer className="status-bar">
      <p role="status">
        {status.state === 'connecting' && 'Connecting to the Telltale core…'}
        {status.state === 'ready' && <ReadyText version={status.version} host={status.host} />}
        {status.state === 'error' && `Cannot reach the Telltale core: ${status.message}`}
      </p>
      <span className="hint">Press ? for keyboard shortcuts</span>
    </footer>
  );
}

function ReadyText(props: { version: string; host: string }) {
  const data = useTimelineData();
  useSyncExternalStore(data.stats.subscribe, data.stats.getVersion);
  const connections = useConnections((s) => s.order.length);
  return (
    <>
      Connected to Telltale {props.version} ({props.host}); {connections} connection(s),{' '}
      {data.buffer.length.toLocaleString('en')} entries in this session.
    </>
  );
}
