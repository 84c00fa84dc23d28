/**
 * Builds the one frozen `window.telltale` (the InspectorApi) from the contract: commands are
 * `ipcRenderer.invoke` on channels derived in shared/ipc.ts, events arrive in batches over a
 * MessagePort that main hands over on each page load. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiErrorShape, EventName } from '../shared/api.ts';
import { buildInspectorApi } from '../shared/api-client.ts';
import type { DesktopApi, MenuCommand, desktopCommandNames } from '../shared/desktop-api.ts';
import {
  commandChannel,
  desktopChannel,
  eventPortChannel,
  menuCommandChannel,
} from '../shared/ipc.ts';

type Envelope = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape };

const { api, dispatch } = buildInspectorApi(async (command, args) => {
  const reply = (await ipcRenderer.invoke(commandChannel(command), ...args)) as Envelope;
  if (reply.ok) return reply.value;
  throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
});

/** The renderer side of the MessagePort (a DOM MessagePort, typed here without the DOM lib). */
interface EventPort {
  onmessage: ((message: { data: { event: EventName; payload: unknown } }) => void) | null;
}

ipcRenderer.on(eventPortChannel, (event) => {
  const port = (event.ports as unknown as EventPort[])[0];
  if (!port) return;
  port.onmessage = (message) => {
    dispatch(message.data.event, message.data.payload);
  };
});

contextBridge.exposeInMainWorld('telltale', api);

// The desktop-only extras: native dialogs (main shows them and opens the file; no path crosses)
// and menu items that the UI carries out.
const menuListeners = new Set<(command: MenuCommand) => void>();
ipcRenderer.on(menuCommandChannel, (_event, command: MenuCommand) => {
  for (const listener of [...menuListeners]) listener(command);
});
const invokeDesktop = async (
  command: (typeof desktopCommandNames)[number],
  ...args: unknown[]
): Promise<unknown> => {
  const reply = (await ipcRenderer.invoke(desktopChannel(command), ...args)) as Envelope;
  if (reply.ok) return reply.value;
  throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
};
const desktop: DesktopApi = {
  openSessionDialog: () =>
    invokeDesktop('openSessionDialog') as ReturnType<DesktopApi['openSessionDialog']>,
  saveSessionDialog: (request) =>
    invokeDesktop('saveSessionDialog', request) as ReturnType<DesktopApi['saveSessionDialog']>,
  onMenuCommand: (listener) => {
    menuListeners.add(listener);
    return () => {
      menuListeners.delete(listener);
    };
  },
};
contextBridge.exposeInMainWorld('telltaleDesktop', Object.freeze(desktop));
