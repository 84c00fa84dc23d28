import type http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import type { Entry } from '../../../shared/model/entry.ts';
import { answerPlan, timedPlan } from './mock-schedule.ts';
import type { MockMode } from './mock-schedule.ts';
import type { Recording } from './recording.ts';

/**
 * The WebSocket half of the mock server: every client that connects gets its own playback of the
 * server's side of the recording. The recorded subprotocol is accepted when the client offers it,
 * and permessage-deflate is negotiated when the recording had it.
 */
export function attachWsMock(
  server: http.Server,
  recording: Recording,
  mode: MockMode,
): { close(): void } {
  const { connection } = recording;
  const wss = new WebSocketServer({
    server,
    perMessageDeflate: /permessage-deflate/i.test(connection.extensions ?? ''),
    handleProtocols: (offered) =>
      connection.protocol !== undefined && offered.has(connection.protocol)
        ? connection.protocol
        : false,
  });
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    const closeLikeRecording = (): void => {
      const close = recording.serverClose;
      if (close && socket.readyState === WebSocket.OPEN) socket.close(close.code, close.reason);
    };
    if (mode === 'timed') {
      const plan = timedPlan(recording);
      for (const step of plan) {
        later(step.at, () => {
          send(socket, step.entry);
        });
      }
      const close = recording.serverClose;
      if (close) {
        const last = plan.at(-1)?.at ?? 0;
        later(Math.max(last, close.time - recording.startedAt), closeLikeRecording);
      }
      return;
    }
    const groups = answerPlan(recording);
    let next = 0;
    const release = (): void => {
      const group = groups[next];
      next += 1;
      for (const entry of group ?? []) send(socket, entry);
      if (next >= groups.length) closeLikeRecording();
    };
    release();
    socket.on('message', () => {
      if (next < groups.length) release();
    });
  });

  return {
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

function send(socket: WebSocket, entry: Entry): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(entry.payload, { binary: entry.kind === 'binary' });
}
