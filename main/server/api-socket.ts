import type { WebSocket } from 'ws';
import type { InspectorApi } from '../../shared/api.ts';
import { maxCommandBytes } from '../../shared/ipc.ts';
import { toApiErrorShape } from '../core/api/api-error.ts';
import { dispatchCommand } from '../core/api/dispatch.ts';
import { forwardEvents } from '../core/api/forward-events.ts';

/**
 * One API client over a WebSocket: `{type:"call", id, command, args}` in, `{type:"result", id,
 * ok, value | error}` and `{type:"event", event, payload}` out. A malformed message gets an error
 * reply and the socket stays open; nothing reaches the service unvalidated.
 */
export function serveApiSocket(socket: WebSocket, service: InspectorApi): void {
  const stopForwarding = forwardEvents(service, (event, payload) => {
    if (socket.readyState === socket.OPEN)
      socket.send(JSON.stringify({ type: 'event', event, payload }));
  });
  socket.on('close', () => {
    stopForwarding();
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
      message = JSON.parse(
        Buffer.isBuffer(data) ? data.toString() : Buffer.concat(data as Buffer[]).toString(),
      );
    } catch {
      reply({
        type: 'error',
        error: { code: 'invalid-arguments', message: 'message is not JSON' },
      });
      return;
    }
    const call = (typeof message === 'object' && message !== null ? message : {}) as {
      type?: unknown;
      id?: unknown;
      command?: unknown;
      args?: unknown;
    };
    if (call.type !== 'call' || typeof call.id !== 'number') {
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
