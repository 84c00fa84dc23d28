/**
 * Builds an InspectorApi object for any transport from the contract's name lists: the caller
 * supplies how a command travels (`call`), and feeds arriving events to `dispatch`. The Electron
 * preload, the headless server's WebSocket client and the in-process test transport all use it,
 * so none of them can drift from the contract or from each other.
 */
import type { CommandName, EventName, InspectorApi } from './api.ts';
import { apiCommandNames, apiEventNames, listenerMethodOf } from './api.ts';

export interface BuiltApi {
  /** Frozen: hosts expose it as is. */
  api: InspectorApi;
  /** Delivers one event batch to the listeners subscribed to it. */
  dispatch: (event: EventName, payload: unknown) => void;
}

export function buildInspectorApi(
  call: (command: CommandName, args: unknown[]) => Promise<unknown>,
): BuiltApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const api: Record<string, unknown> = {};
  for (const command of apiCommandNames) {
    api[command] = (...args: unknown[]) => call(command, args);
  }
  for (const event of apiEventNames) {
    const set = new Set<(payload: unknown) => void>();
    listeners.set(event, set);
    api[listenerMethodOf(event)] = (listener: (payload: unknown) => void) => {
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    };
  }
  return {
    api: Object.freeze(api) as unknown as InspectorApi,
    dispatch: (event, payload) => {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    },
  };
}
