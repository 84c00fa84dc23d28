/**
 * A fake server made from a recording, on a loopback port: for a WebSocket recording it accepts
 * clients and plays the server's recorded messages; for an SSE recording it streams the recorded
 * events. Each client gets its own playback from the start.
 */
import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { SessionStore } from '../session/store.ts';
import type { MockMode } from './mock-schedule.ts';
import { attachWsMock } from './mock-ws.ts';
import { sseMockHandler } from './mock-sse.ts';
import { readRecording } from './recording.ts';

export type { MockMode } from './mock-schedule.ts';

export interface MockServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default `timed`. */
  mode?: MockMode;
}

export interface MockServerHandle {
  /** `ws://127.0.0.1:PORT/path` or `http://127.0.0.1:PORT/path` (the recorded path and query). */
  readonly url: string;
  readonly port: number;
  /** The recorded connection being served. */
  readonly connectionId: string;
  readonly kind: 'ws' | 'sse';
  close(): Promise<void>;
}

/** Throws ReplayError when the connection is missing or not WebSocket/SSE. */
export async function startMockServer(
  store: SessionStore,
  connectionId: string | undefined,
  options: MockServerOptions = {},
): Promise<MockServerHandle> {
  const recording = readRecording(store, connectionId);
  const { connection } = recording;
  const mode = options.mode ?? 'timed';
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer();
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let stop: () => void;
  if (connection.kind === 'ws') {
    server.on('request', (_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain' }).end('WebSocket only\n');
    });
    const ws = attachWsMock(server, recording, mode);
    stop = () => {
      ws.close();
    };
  } else {
    const sse = sseMockHandler(recording, mode);
    server.on('request', sse.handle);
    stop = () => {
      sse.close();
    };
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const hostPart = address.includes(':') ? `[${address}]` : address;
  const path = pathOf(connection.url);
  const scheme = connection.kind === 'ws' ? 'ws' : 'http';
  let closing: Promise<void> | undefined;
  return {
    url: `${scheme}://${hostPart}:${String(port)}${path}`,
    port,
    connectionId: connection.id,
    kind: connection.kind === 'ws' ? 'ws' : 'sse',
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stop();
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      })),
  };
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return '/';
  }
}
