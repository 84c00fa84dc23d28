/**
 * Builds the one frozen `window.telltale` (the InspectorApi) from the contract's name lists:
 * commands are `ipcRenderer.invoke` on channels derived in shared/ipc.ts, events arrive in
 * batches over a MessagePort that main hands over once. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiErrorShape, EventName } from '../shared/api.ts';
import { apiCommandNames, apiEventNames, listenerMethodOf } from '../shared/api.ts';
import { commandChannel, eventPortChannel } from '../shared/ipc.ts';

type Envelope = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape };

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(eventPortChannel, (event) => {
  const [port] = event.ports;
  if (!port) return;
  port.onmessage = (message: { data: { event: EventName; payload: unknown } }) => {
    for (const listener of listeners.get(message.data.event) ?? []) listener(message.data.payload);
  };
});

const api: Record<string, unknown> = {};
for (const command of apiCommandNames) {
  api[command] = async (...args: unknown[]) => {
    const reply = (await ipcRenderer.invoke(commandChannel(command), ...args)) as Envelope;
    if (reply.ok) return reply.value;
    throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  };
}
for (const event of apiEventNames) {
  api[listenerMethodOf(event)] = (listener: (payload: unknown) => void) => {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
}

contextBridge.exposeInMainWorld('telltale', Object.freeze(api));
