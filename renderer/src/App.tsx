import { useEffect, useState } from 'react';
import type { InspectorApi } from '../../shared/api.ts';
import { connectApi } from './transport/index.ts';

type Status =
  | { state: 'connecting' }
  | { state: 'ready'; version: string; host: string; connections: number }
  | { state: 'error'; message: string };

/**
 * Placeholder shell page: proves the transport chosen at boot reaches the core. The inspector
 * UI (timeline, detail, composer) is built by its own issue on top of this API.
 */
export function App() {
  const [status, setStatus] = useState<Status>({ state: 'connecting' });
  useEffect(() => {
    let api: InspectorApi | undefined;
    let off: (() => void) | undefined;
    const refresh = async (): Promise<void> => {
      if (!api) return;
      const [hello, connections] = await Promise.all([api.hello(), api.listConnections()]);
      setStatus({
        state: 'ready',
        version: hello.version,
        host: hello.host,
        connections: connections.length,
      });
    };
    connectApi()
      .then(async (connected) => {
        api = connected;
        off = api.onConnections(() => void refresh());
        await refresh();
      })
      .catch((error: unknown) => {
        setStatus({
          state: 'error',
          message: error instanceof Error ? error.message : String(error),
        });
      });
    return () => off?.();
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Telltale</h1>
      <p>WebSocket and Server-Sent Events inspector. The timeline arrives with the UI issue.</p>
      <p role="status">
        {status.state === 'connecting' && 'Connecting to the Telltale core…'}
        {status.state === 'ready' &&
          `Connected to Telltale ${status.version} (${status.host}); ${status.connections} connection(s) in this session.`}
        {status.state === 'error' && `Cannot reach the Telltale core: ${status.message}`}
      </p>
    </main>
  );
}
