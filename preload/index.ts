/**
 * Builds the one frozen `window.telltale` object the renderer sees. The API contract arrives
 * with the shell issue; for now it exposes only the version, never ipcRenderer itself.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld(
  'telltale',
  Object.freeze({ host: 'electron', versions: Object.freeze({ ...process.versions }) }),
);
