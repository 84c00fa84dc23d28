/**
 * Electron entry: lifecycle, the window, menus and OS integration only. Everything that
 * captures, decodes or stores lives in main/core and runs under plain Node too (CLI, headless
 * server, tests).
 */
import { join } from 'node:path';
import { app, dialog } from 'electron';
import { InspectorService } from './core/service.ts';
import { dataDir } from './core/util/data-dir.ts';
import { telltaleVersion } from './core/version.ts';
import {
  hostDesktopApi,
  openSessionPath,
  openSessionWithDialog,
  saveSessionWithDialog,
  sendMenuCommand,
} from './app/desktop-host.ts';
import { hostApi } from './app/ipc-host.ts';
import { installMenu } from './app/menu.ts';
import { RecentFiles } from './app/recent-files.ts';
import { sessionFilesIn } from './app/session-files.ts';
import { createMainWindow } from './app/window.ts';
import type { MainWindow } from './app/window.ts';
import { WindowState } from './app/window-state.ts';

app.enableSandbox();

// A second launch hands its files to the first instance ('second-instance') and leaves before
// it makes a service, so it starts no journal.
if (app.requestSingleInstanceLock()) runPrimaryInstance();
else app.quit();

function runPrimaryInstance(): void {
  // The same data folder as the CLI: journals, settings and the proxy's CA are shared.
  const data = dataDir();
  const service = new InspectorService({
    version: telltaleVersion,
    host: 'electron',
    settingsPath: join(data, 'settings.json'),
    journalDir: join(data, 'sessions'),
    caDir: data,
  });
  const windowState = new WindowState(join(data, 'window.json'));
  const recent = new RecentFiles(join(data, 'recent.json'));
  // Files the OS asks us to open, possibly before the window exists (macOS sends them early).
  const pendingFiles: string[] = sessionFilesIn(process.argv);
  let current: MainWindow | null = null;

  const openFile = async (path: string): Promise<void> => {
    try {
      await openSessionPath(service, path);
      recent.add(path);
      refreshMenu();
    } catch (error) {
      dialog.showErrorBox('Cannot open the session', `${path}\n\n${(error as Error).message}`);
    }
  };

  const openPending = async (): Promise<void> => {
    if (!current || !app.isReady()) return;
    for (const path of pendingFiles.splice(0)) await openFile(path);
  };

  const refreshMenu = (): void => {
    installMenu(
      {
        newConnection: () => {
          if (current) sendMenuCommand(current.win, 'new-connection');
        },
        openSession: () => {
          if (!current) return;
          void openSessionWithDialog(service, current.win).catch((error: unknown) => {
            dialog.showErrorBox('Cannot open the session', (error as Error).message);
          });
        },
        exportSession: (format) => {
          if (!current) return;
          void saveSessionWithDialog(service, current.win, { format }).catch((error: unknown) => {
            dialog.showErrorBox('Cannot export the session', (error as Error).message);
          });
        },
        clearSession: () => {
          void service.clearSession();
        },
        openRecent: (path) => {
          void openFile(path);
        },
        showShortcuts: () => {
          if (current) sendMenuCommand(current.win, 'show-shortcuts');
        },
        setTheme: (theme) => {
          void service.updateSettings({ theme });
        },
      },
      recent.list(),
    );
  };

  const openWindow = (): void => {
    const opened = createMainWindow(windowState.load());
    current = opened;
    windowState.track(opened.win);
    const unhostApi = hostApi(service, opened.win, opened.isTrustedUrl);
    const unhostDesktop = hostDesktopApi(service, opened.win, opened.isTrustedUrl);
    opened.win.on('closed', () => {
      unhostApi();
      unhostDesktop();
      current = null;
    });
    opened.win.webContents.once('did-finish-load', () => {
      void openPending();
    });
  };

  app.on('open-file', (event, path) => {
    event.preventDefault();
    pendingFiles.push(path);
    void openPending();
  });

  app.on('second-instance', (_event, argv) => {
    pendingFiles.push(...sessionFilesIn(argv));
    if (!current) return;
    if (current.win.isMinimized()) current.win.restore();
    current.win.focus();
    void openPending();
  });

  void app.whenReady().then(() => {
    refreshMenu();
    openWindow();
    // The proxy listens from the start, HTTPS interception on (the app's default; the CLI's is
    // off); a taken port shows in the proxy panel's state.
    void service.startProxy({ port: 8080, host: '127.0.0.1', mitm: true });
    app.on('activate', () => {
      if (!current) openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Connections close cleanly (close frames sent, the journal completed) before the process goes.
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
