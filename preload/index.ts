/**
 * Builds the one frozen `window.telltale` (the InspectorApi) from the contract: commands are
 * `ipcRenderer.invoke` on channels derived in shared/ipc.ts, events arrive in batches over a
 * MessagePort that main hands over on each page load. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiErrorShape, EventName } from '../shared/api.ts';
import { buildInspectorApi } from '../shared/api-client.ts';
import { commandChannel, eventPortChannel } from '../shared/ipc.ts';

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
