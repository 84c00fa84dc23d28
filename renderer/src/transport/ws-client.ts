/**
 * The InspectorApi over the headless server's WebSocket, built from the contract's name lists so
 * it cannot drift from the Electron preload. Runs in browsers and in Node 24 (global WebSocket).
 */
import type { ApiErrorShape, EventName, InspectorApi } from '../../../shared/api.ts';
import { buildInspectorApi } from '../../../shared/api-client.ts';

export class ApiCallError extends Error {
  readonly code: ApiErrorShape['code'];
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiCallError';
    this.code = shape.code;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface WsApi {
  api: InspectorApi;
  /** Resolves once the socket is open; rejects if it could not open. */
  ready: Promise<void>;
  close(): void;
}

export function connectWsApi(url: string): WsApi {
  const socket = new WebSocket(url);
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => {
      resolve();
    });
    socket.addEventListener('error', () => {
      reject(new Error(`cannot reach Telltale at ${url.replace(/token=[^&]+/, 'token=…')}`));
    });
  });
  ready.catch(() => undefined);

  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    const message = JSON.parse(event.data) as
      | { type: 'result'; id: number; ok: true; value: unknown }
      | { type: 'result'; id: number; ok: false; error: ApiErrorShape }
      | { type: 'event'; event: EventName; payload: unknown }
      | { type: 'error'; error: ApiErrorShape };
    if (message.type === 'result') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (!call) return;
      if (message.ok) call.resolve(message.value);
      else call.reject(new ApiCallError(message.error));
    } else if (message.type === 'event') {
      dispatch(message.event, message.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const call of pending.values())
      call.reject(new Error('the connection to Telltale closed'));
    pending.clear();
  });

  const { api, dispatch } = buildInspectorApi(async (command, rawArgs) => {
    // JSON turns an omitted trailing argument (undefined) into null, which optional arguments
    // refuse: send only the arguments that were given, as IPC's structured clone would.
    const args = rawArgs.slice();
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    await ready;
    if (socket.readyState !== WebSocket.OPEN)
      throw new Error('the connection to Telltale is closed');
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ type: 'call', id, command, args }));
    });
  });

  return {
    api,
    ready,
    close() {
      socket.close();
    },
  };
}
