import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, shell } from 'electron';
import type { Rectangle } from 'electron';

export interface MainWindow {
  win: BrowserWindow;
  /** Whether a URL is our own renderer (IPC is accepted from nothing else). */
  isTrustedUrl: (url: string) => boolean;
}

/** The one window; hardened: no Node in the renderer, no navigation, no new windows. */
export function createMainWindow(bounds: Partial<Rectangle> | undefined): MainWindow {
  const win = new BrowserWindow({
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 800,
    ...(bounds?.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 720,
    minHeight: 480,
    title: 'Telltale',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => {
    win.show();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });

  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  const indexFile = join(import.meta.dirname, '../renderer/index.html');
  const ownUrl = devUrl ?? pathToFileURL(indexFile).href;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(indexFile);
  return {
    win,
    isTrustedUrl: (url) =>
      url === ownUrl ||
      url.startsWith(`${ownUrl}?`) ||
      url.startsWith(`${ownUrl}#`) ||
      (devUrl !== undefined && url.startsWith(devUrl)),
  };
}
