import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Test servers listen on 127.0.0.1 only, on a port the system picks. */
export async function listenLoopback<T extends net.Server>(
  server: T,
): Promise<{ server: T; port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function httpServer(handler: http.RequestListener): http.Server {
  return http.createServer(handler);
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const listening = await listenLoopback(net.createServer());
  await listening.close();
  return listening.port;
}

/** Polls a condition for at most `timeoutMs` (tests wait on sockets, never on fixed sleeps). */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
