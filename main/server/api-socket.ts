import type { WebSocket } from 'ws';
import type { EventName, InspectorApi } from '../../shared/api.ts';
import { apiEventNames, listenerMethodOf } from '../../shared/api.ts';
import { maxCommandBytes } from '../../shared/ipc.ts';
import { toApiErrorShape } from '../core/api/api-error.ts';
import { dispatchCommand } from '../core/api/dispatch.ts';

/**
 * One API client over a WebSocket: `{type:"call", id, command, args}` in, `{type:"result", id,
 * ok, value | error}` and `{type:"event", event, payload}` out. A malformed message gets an error
 * reply and the socket stays open; nothing reaches the service unvalidated.
 */
export function serveApiSocket(socket: WebSocket, service: InspectorApi): void {
  const unsubscribers = apiEventNames.map((event: EventName) => {
    const subscribe = service[listenerMethodOf(event)] as (
      listener: (payload: unknown) => void,
    ) => () => void;
    return subscribe.call(service, (payload) => {
      if (socket.readyState === socket.OPEN)
        socket.send(JSON.stringify({ type: 'event', event, payload }));
    });
  });
  socket.on('close', () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  });

  socket.on('message', (data, isBinary) => {
    const reply = (message: object): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const size = Array.isArray(data)
      ? data.reduce((n, b) => n + b.length, 0)
      : (data as Buffer).byteLength;
    if (isBinary) {
      reply({
        type: 'error',
        error: { code: 'invalid-arguments', message: 'binary messages are not part of the API' },
      });
      return;
    }
    if (size > maxCommandBytes) {
      reply({
        type: 'error',
        error: {
          code: 'too-large',
          message: `message of ${size} bytes exceeds ${maxCommandBytes}`,
        },
      });
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      reply({
        type: 'error',
        error: { code: 'invalid-arguments', message: 'message is not JSON' },
      });
      return;
    }
    const call = message as { type?: unknown; id?: unknown; command?: unknown; args?: unknown };
    if (
      typeof call !== 'object' ||
      call === null ||
      call.type !== 'call' ||
      typeof call.id !== 'number'
    ) {
      reply({
        type: 'error',
        error: {
          code: 'invalid-arguments',
          message: 'expected {"type":"call","id":number,"command":string,"args":[...]}',
        },
      });
      return;
    }
    const id = call.id;
    dispatchCommand(service, call.command, call.args, size).then(
      (value) => {
        reply({ type: 'result', id, ok: true, value: value ?? null });
      },
      (error: unknown) => {
        reply({ type: 'result', id, ok: false, error: toApiErrorShape(error) });
      },
    );
  });
}
