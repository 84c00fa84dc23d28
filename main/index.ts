/**
 * Electron entry: lifecycle and the window only. Everything that captures, decodes or stores
 * lives in main/core and runs under plain Node too (CLI, tests).
 */
import { app } from 'electron';
import { createMainWindow } from './app/window.ts';

app.enableSandbox();

void app.whenReady().then(() => {
  createMainWindow();
  app.on('activate', () => {
    createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
