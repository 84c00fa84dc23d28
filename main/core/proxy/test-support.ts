/**
 * Loopback helpers for the proxy's tests: raw byte capture on both ends, a WebSocket upstream,
 * clients that reach the proxy by absolute URI or through a CONNECT tunnel.
 */
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import type { ServerOptions, WebSocket as ServerSocket } from 'ws';
import { tapSocket } from '../connect/socket-tap.ts';
import { SessionStore } from '../session/store.ts';
import { listenLoopback } from '../testing/loopback.ts';
import { startProxy } from './proxy-server.ts';
import type { ProxyHandle, ProxyOptions } from './proxy-server.ts';

export interface Capture {
  read: Buffer[];
  written: Buffer[];
}

export function capture(socket: net.Socket): Capture {
  const captured: Capture = { read: [], written: [] };
  tapSocket(socket, {
    onRead(chunk) {
      captured.read.push(Buffer.from(chunk));
    },
    onWrite(chunk) {
      captured.written.push(Buffer.from(chunk));
    },
  });
  return captured;
}

/** What followed the first HTTP head in a byte stream (or the stream if there is no head). */
export function afterHead(chunks: Buffer[]): Buffer {
  const all = Buffer.concat(chunks);
  const end = all.indexOf('\r\n\r\n');
  return end < 0 ? all : all.subarray(end + 4);
}

export function headOf(chunks: Buffer[]): string {
  const all = Buffer.concat(chunks);
  const end = all.indexOf('\r\n\r\n');
  return all.toString('latin1', 0, end < 0 ? all.length : end + 4);
}

export type Cleanup = () => Promise<void> | void;

export async function testProxy(
  cleanups: Cleanup[],
  options: ProxyOptions = {},
): Promise<{ store: SessionStore; proxy: ProxyHandle }> {
  const store = new SessionStore();
  const proxy = await startProxy(store, { port: 0, ...options });
  cleanups.push(() => proxy.close());
  return { store, proxy };
}

export interface WsUpstream {
  port: number;
  /** Raw bytes of each accepted TCP connection, in order. */
  captures: Capture[];
  sockets: ServerSocket[];
}

export async function wsUpstream(
  cleanups: Cleanup[],
  options: ServerOptions,
  onConnection: (socket: ServerSocket) => void,
): Promise<WsUpstream> {
  const server = http.createServer((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such socket');
  });
  const captures: Capture[] = [];
  const sockets: ServerSocket[] = [];
  server.on('connection', (socket: net.Socket) => {
    captures.push(capture(socket));
  });
  const wss = new WebSocketServer({ ...options, server });
  wss.on('connection', (socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  const listening = await listenLoopback(server);
  cleanups.push(async () => {
    wss.close();
    await listening.close();
  });
  return { port: listening.port, captures, sockets };
}

/**
 * A socket to the proxy whose first request line is rewritten to absolute form, so an ordinary
 * client (ws, http) speaks to the proxy the way an HTTP_PROXY client does.
 */
export function absoluteUriSocket(proxyPort: number, origin: string): net.Socket {
  const socket = net.connect(proxyPort, '127.0.0.1');
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let first = true;
  socket.write = (...args: unknown[]) => {
    if (first && (typeof args[0] === 'string' || Buffer.isBuffer(args[0]))) {
      first = false;
      const text = Buffer.from(args[0]).toString('latin1');
      args[0] = Buffer.from(text.replace(/^(\S+) (\/\S*)/, `$1 ${origin}$2`), 'latin1');
    }
    return write(...args);
  };
  return socket;
}

/** A socket through a CONNECT tunnel, once the proxy has answered 200. */
export async function tunnelSocket(proxyPort: number, authority: string): Promise<net.Socket> {
  const socket = net.connect(proxyPort, '127.0.0.1');
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer): void => {
      got += chunk.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        // Nothing else arrives before the client's next request, so no byte is lost here.
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  if (!head.startsWith('HTTP/1.1 200')) throw new Error(`CONNECT refused: ${head}`);
  return socket;
}
