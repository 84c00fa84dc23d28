import { MessageChannel } from 'node:worker_threads';
import type { EventName, InspectorApi } from '../../../shared/api.ts';
import { buildInspectorApi } from '../../../shared/api-client.ts';
import { toApiErrorShape } from './api-error.ts';
import { dispatchCommand } from './dispatch.ts';
import { forwardEvents } from './forward-events.ts';

/**
 * An in-process InspectorApi that behaves as Electron IPC does: every call passes the same
 * validation gate as the real hosts, arguments and results are structured-cloned (nothing is
 * shared by reference), and failures arrive as `{ code, message }` errors. Events travel over a
 * MessageChannel, as the preload receives them. Used by the contract tests; the Electron host
 * wires ipcMain to the same `dispatchCommand`.
 */
export function localApi(service: InspectorApi): { api: InspectorApi; close(): void } {
  const channel = new MessageChannel();
  const stopForwarding = forwardEvents(service, (event, payload) => {
    channel.port1.postMessage({ event, payload });
  });
  const { api, dispatch } = buildInspectorApi(async (command, args) => {
    try {
      return structuredClone(await dispatchCommand(service, command, structuredClone(args)));
    } catch (error) {
      const shape = toApiErrorShape(error);
      throw Object.assign(new Error(shape.message), { code: shape.code });
    }
  });
  channel.port2.on('message', (message: { event: EventName; payload: unknown }) => {
    dispatch(message.event, message.payload);
  });
  channel.port1.unref();
  channel.port2.unref();
  return {
    api,
    close() {
      stopForwarding();
      channel.port1.close();
      channel.port2.close();
    },
  };
}
