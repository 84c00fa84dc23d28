import { Splitter } from '../components/Splitter.tsx';
import { ConnectionsList } from '../features/connections/ConnectionsList.tsx';
import { DetailPane } from '../features/inspector/DetailPane.tsx';
import { FilterBar } from '../features/filters/FilterBar.tsx';
import { Timeline } from '../features/timeline/Timeline.tsx';
import { useUi } from '../stores/ui.ts';
import { StatusBar, type CoreStatus } from './StatusBar.tsx';

/** Connections | timeline | detail, with resizable bars between them. */
export function Layout(props: { status: CoreStatus }) {
  const panes = useUi((s) => s.panes);
  const setPane = (name: 'connections' | 'detail', size: number): void => {
    useUi.getState().setPane(name, size);
  };
  return (
    <div className="app">
      <header className="toolbar">
        <h1 className="brand">Telltale</h1>
      </header>
      <div
        className="panes"
        style={{ gridTemplateColumns: `${panes.connections}px 5px 1fr 5px ${panes.detail}px` }}
      >
        <ConnectionsList />
        <Splitter
          orientation="vertical"
          label="Resize connections"
          size={panes.connections}
          sign={1}
          min={180}
          max={600}
          onResize={(size) => {
            setPane('connections', size);
          }}
        />
        <main className="center">
          <FilterBar />
          <Timeline />
        </main>
        <Splitter
          orientation="vertical"
          label="Resize detail"
          size={panes.detail}
          sign={-1}
          min={260}
          max={1000}
          onResize={(size) => {
            setPane('detail', size);
          }}
        />
        <aside className="detail" aria-label="Detail">
          <DetailPane />
        </aside>
      </div>
      <StatusBar status={props.status} />
    </div>
  );
}
