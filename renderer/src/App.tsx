import { useEffect, useState } from 'react';
import { connectApi } from './transport/index.ts';
import { TimelineDataContext } from './app/data-context.ts';
import { Layout } from './app/Layout.tsx';
import type { CoreStatus } from './app/StatusBar.tsx';
import { errorMessage } from './components/format.ts';
import { TimelineData } from './timeline/timeline-data.ts';
import type { InspectorApi } from '../../shared/api.ts';
import './styles/app.css';

// One connection to the core per page, even when StrictMode runs the boot effect twice.
let apiOnce: Promise<InspectorApi> | undefined;
function api(): Promise<InspectorApi> {
  apiOnce ??= connectApi();
  return apiOnce;
}

/** Boots the inspector: finds the core, loads the session, then shows the layout. */
export function App() {
  const [status, setStatus] = useState<CoreStatus>({ state: 'connecting' });
  const [data, setData] = useState<TimelineData | null>(null);
  useEffect(() => {
    const boot = { cancelled: false };
    let started: TimelineData | null = null;
    api()
      .then(async (api) => {
        const hello = await api.hello();
        if (boot.cancelled) return;
        started = new TimelineData(api);
        setData(started);
        await started.start();
        setStatus({ state: 'ready', version: hello.version, host: hello.host });
      })
      .catch((error: unknown) => {
        if (!boot.cancelled) setStatus({ state: 'error', message: errorMessage(error) });
      });
    return () => {
      boot.cancelled = true;
      started?.stop();
    };
  }, []);

  if (!data) {
    return (
      <div className="app boot">
        <h1 className="brand">Telltale</h1>
        <p role="status">
          {status.state === 'error'
            ? `Cannot reach the Telltale core: ${status.message}`
            : 'Connecting to the Telltale core…'}
        </p>
      </div>
    );
  }
  return (
    <TimelineDataContext.Provider value={data}>
      <Layout status={status} />
    </TimelineDataContext.Provider>
  );
}
