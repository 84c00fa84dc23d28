import { MessageChannel } from 'node:worker_threads';
import type { EventName, InspectorApi } from '../../../shared/api.ts';
import { apiCommandNames, apiEventNames, listenerMethodOf } from '../../../shared/api.ts';
import { toApiErrorShape } from './api-error.ts';
import { dispatchCommand } from './dispatch.ts';

/**
 * An in-process InspectorApi that behaves as Electron IPC does: every call passes the same
 * validation gate as the real hosts, arguments and results are structured-cloned (nothing is
 * shared by reference), and failures arrive as `{ code, message }` errors. Events travel over a
 * MessageChannel, as the preload receives them. Used by the contract tests; the Electron host
 * wires ipcMain to the same `dispatchCommand`.
 */
export function localApi(service: InspectorApi): { api: InspectorApi; close(): void } {
  const channel = new MessageChannel();
  const unsubscribers = apiEventNames.map((event: EventName) => {
    const subscribe = service[listenerMethodOf(event)] as (
      listener: (payload: unknown) => void,
    ) => () => void;
    return subscribe.call(service, (payload) => {
      channel.port1.postMessage({ event, payload });
    });
  });
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  channel.port2.on('message', (message: { event: EventName; payload: unknown }) => {
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  });
  channel.port1.unref();
  channel.port2.unref();

  const api: Record<string, unknown> = {};
  for (const command of apiCommandNames) {
    api[command] = async (...args: unknown[]) => {
      try {
        return structuredClone(await dispatchCommand(service, command, structuredClone(args)));
      } catch (error) {
        throw Object.assign(new Error(toApiErrorShape(error).message), {
          code: toApiErrorShape(error).code,
        });
      }
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
  return {
    api: Object.freeze(api) as unknown as InspectorApi,
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      channel.port1.close();
      channel.port2.close();
    },
  };
}
