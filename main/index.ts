/**
 * Electron entry: lifecycle and the window only. Everything that captures, decodes or stores
 * lives in main/core and runs under plain Node too (CLI, headless server, tests).
 */
import { join } from 'node:path';
import { app } from 'electron';
import { InspectorService } from './core/service.ts';
import { telltaleVersion } from './core/version.ts';
import { dataDir } from './core/util/data-dir.ts';
import { hostApi } from './app/ipc-host.ts';
import { installMenu } from './app/menu.ts';
import { createMainWindow } from './app/window.ts';
import { WindowState } from './app/window-state.ts';

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // The same data folder as the CLI: journals and the proxy's CA are shared between them.
  const data = dataDir();
  const service = new InspectorService({
    version: telltaleVersion,
    host: 'electron',
    settingsPath: join(data, 'settings.json'),
    journalDir: join(data, 'sessions'),
  });
  const windowState = new WindowState(join(app.getPath('userData'), 'window.json'));
  let current: ReturnType<typeof createMainWindow> | null = null;
  let unhost: (() => void) | null = null;

  const open = (): void => {
    current = createMainWindow(windowState.load());
    windowState.track(current.win);
    unhost = hostApi(service, current.win, current.isTrustedUrl);
    current.win.on('closed', () => {
      unhost?.();
      unhost = null;
      current = null;
    });
  };

  app.on('second-instance', () => {
    if (!current) return;
    if (current.win.isMinimized()) current.win.restore();
    current.win.focus();
  });

  void app.whenReady().then(() => {
    installMenu();
    open();
    app.on('activate', () => {
      if (!current) open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Connections close cleanly (close frames sent, journals flushed) before the process goes.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void service.shutdown().finally(() => {
      app.quit();
    });
  });
}
