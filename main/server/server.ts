import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { InspectorApi } from '../../shared/api.ts';
import { maxCommandBytes } from '../../shared/ipc.ts';
import { serveApiSocket } from './api-socket.ts';
import { serveStatic } from './static-files.ts';

export interface HeadlessServerOptions {
  service: InspectorApi;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  host?: string;
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string;
}

export interface HeadlessServer {
  /** The UI's address, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * The headless host: the built renderer over HTTP and the API over a WebSocket at /api, on one
 * port. The API needs the per-run token (as Jupyter does) and refuses foreign Origins, so a web
 * page the user happens to visit cannot drive Telltale.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  if (!existsSync(`${options.rendererDir}/index.html`)) {
    throw new Error(
      `the UI is not built (${options.rendererDir}/index.html is missing): run "npm run build" first`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => {
    serveStatic(options.rendererDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxCommandBytes + 1024 });
  let port = 0;

  server.on('upgrade', (req, socket: Duplex, head) => {
    const refusal = refuseReason(req, token, port, host);
    if (refusal) {
      socket.end(
        `HTTP/1.1 ${refusal.status}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refusal.message}\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveApiSocket(ws, options.service);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7300, host, () => {
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function refuseReason(
  req: http.IncomingMessage,
  token: string,
  port: number,
  host: string,
): { status: string; message: string } | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/api') return { status: '404 Not Found', message: 'no such endpoint' };
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { status: '401 Unauthorized', message: 'missing or wrong token' };
  }
  // Browsers always send Origin on WebSocket handshakes; only our own page may use the API.
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, port, host)) {
    return { status: '403 Forbidden', message: `foreign origin ${origin}` };
  }
  return null;
}

function isOwnOrigin(origin: string, port: number, host: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  const own = ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host];
  return (
    parsed.protocol === 'http:' && Number(parsed.port) === port && own.includes(parsed.hostname)
  );
}
