import { useEffect } from 'react';
import { Splitter } from '../components/Splitter.tsx';
import { RateChart } from '../features/chart/RateChart.tsx';
import { ProxyButton, ProxyPanel } from '../features/proxy/ProxyPanel.tsx';
import { FindingsButton, FindingsDialog } from '../features/diagnostics/FindingsDialog.tsx';
import {
  BreakpointsButton,
  BreakpointsDialog,
} from '../features/breakpoints/BreakpointsDialog.tsx';
import { SessionActions } from '../features/session/SessionActions.tsx';
import { SettingsControls } from '../features/settings/SettingsControls.tsx';
import { useTheme } from '../features/settings/useTheme.ts';
import { HelpDialog } from '../features/shortcuts/HelpDialog.tsx';
import { useShortcuts } from '../features/shortcuts/useShortcuts.ts';
import { ComposerPanel } from '../features/composer/ComposerPanel.tsx';
import { ConnectDialog } from '../features/connect/ConnectDialog.tsx';
import { ConnectionsList } from '../features/connections/ConnectionsList.tsx';
import { FilterBar } from '../features/filters/FilterBar.tsx';
import { DetailPane } from '../features/inspector/DetailPane.tsx';
import { Timeline } from '../features/timeline/Timeline.tsx';
import { useUi, type PaneSizes } from '../stores/ui.ts';
import { useTimelineData } from './data-context.ts';
import { onMenuCommand } from './desktop.ts';
import { StatusBar, type CoreStatus } from './StatusBar.tsx';

/** Connections | filter, timeline and composer | detail, with resizable bars between them. */
export function Layout(props: { status: CoreStatus }) {
  const data = useTimelineData();
  const theme = useTheme();
  useShortcuts(theme);
  const panes = useUi((s) => s.panes);
  const dialog = useUi((s) => s.dialog);
  useEffect(
    () =>
      onMenuCommand((command) => {
        if (command === 'new-connection') useUi.getState().openDialog('connect');
        if (command === 'show-shortcuts') useUi.getState().openDialog('help');
      }),
    [],
  );
  const setPane = (name: keyof PaneSizes, size: number): void => {
    useUi.getState().setPane(name, size);
  };
  return (
    <div className="app">
      <header className="toolbar">
        <h1 className="brand">Telltale</h1>
        <SessionActions />
        <span className="spacer" />
        <ProxyButton
          onOpen={() => {
            useUi.getState().openDialog('proxy');
          }}
        />
        <FindingsButton
          onOpen={() => {
            useUi.getState().openDialog('findings');
          }}
        />
        <BreakpointsButton
          onOpen={() => {
            useUi.getState().openDialog('breakpoints');
          }}
        />
        <SettingsControls />
        <button
          type="button"
          onClick={() => {
            useUi.getState().openDialog('help');
          }}
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
        <button
          type="button"
          onClick={() => {
            useUi.getState().openDialog('connect');
          }}
          title="New connection (N)"
        >
          New connection
        </button>
      </header>
      <div
        className="panes"
        style={{
          gridTemplateColumns: `${panes.connections}px 5px minmax(0, 1fr) 5px ${panes.detail}px`,
        }}
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
        <main
          className="center"
          style={{ gridTemplateRows: `auto auto minmax(0, 1fr) 5px ${panes.composer}px` }}
        >
          <RateChart />
          <FilterBar />
          <Timeline />
          <Splitter
            orientation="horizontal"
            label="Resize composer"
            size={panes.composer}
            sign={-1}
            min={110}
            max={600}
            onResize={(size) => {
              setPane('composer', size);
            }}
          />
          <ComposerPanel />
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
      {dialog === 'proxy' && (
        <ProxyPanel
          onClose={() => {
            useUi.getState().openDialog(null);
          }}
        />
      )}
      {dialog === 'findings' && (
        <FindingsDialog
          onClose={() => {
            useUi.getState().openDialog(null);
          }}
        />
      )}
      {dialog === 'breakpoints' && (
        <BreakpointsDialog
          onClose={() => {
            useUi.getState().openDialog(null);
          }}
        />
      )}
      {dialog === 'help' && (
        <HelpDialog
          onClose={() => {
            useUi.getState().openDialog(null);
          }}
        />
      )}
      {dialog === 'connect' && (
        <ConnectDialog
          open={(request) => data.api.openConnection(request)}
          onOpened={(connection) => {
            useUi.getState().selectConnection(connection.id);
            useUi.getState().openDialog(null);
          }}
          onClose={() => {
            useUi.getState().openDialog(null);
          }}
        />
      )}
    </div>
  );
}
