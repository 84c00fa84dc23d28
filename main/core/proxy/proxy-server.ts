/**
 * Telltale's intercepting proxy: one listener (127.0.0.1 unless told otherwise) serving the
 * forward proxy (absolute-URI requests and CONNECT tunnels) or, with `target`, a reverse proxy to
 * one upstream. Every client connection is handled on its own; a fault on one is recorded on it
 * and touches no other.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { SessionStore } from '../session/store.ts';
import { handleConnect } from './connect-tunnel.ts';
import type { LeafIssuer, TunnelOptions } from './connect-tunnel.ts';
import { HttpSession } from './http-session.ts';
import { DEFAULT_MAX_BODY_BYTES } from './body-capture.ts';
import { forwardRouter, reverseRouter } from './routes.ts';
import { hostForUrl } from './upstream.ts';
import { LiveStreams } from './live-streams.ts';
import { BreakpointController } from '../replay/breakpoints.ts';
import type { Direction } from '../../../shared/model/entry.ts';
import type { OutgoingMessage } from '../replay/outgoing.ts';

export interface ProxyOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Reverse mode: everything goes to this upstream (http, https, ws or wss URL). */
  target?: string;
  /** Terminate TLS in CONNECT tunnels with certificates from this issuer (Telltale's CA). */
  mitm?: LeafIssuer | null;
  /** Accept invalid upstream certificates. */
  insecureUpstream?: boolean;
  /** Close keep-alive HTTP connections idle this long (ms; 0 never). Default 120 000. */
  idleTimeoutMs?: number;
  /** Largest WebSocket message the taps decode (bytes). Default 64 MiB. */
  maxPayload?: number;
  /** Cap on each plain HTTP request/response body kept (decoded bytes). Default 1 MiB; 0: none. */
  maxBodyBytes?: number;
  /** Breakpoint and handshake rules; default: a controller with none (see ProxyHandle.breakpoints). */
  breakpoints?: BreakpointController;
}

export interface ProxyHandle {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Client connections open now. */
  readonly openConnections: number;
  /**
   * Sends a message of Telltale's own into an open proxied connection: a text or binary message
   * into a WebSocket (`out` toward the server, `in` toward the client), or an SSE event toward
   * the client of an event stream. Resolves once it is written (it waits for the current message
   * or event to end); rejects with InjectError (stable `code`) when it cannot be.
   */
  inject(connectionId: string, direction: Direction, message: OutgoingMessage): Promise<void>;
  /** The rules, the paused messages and the decisions on them. */
  readonly breakpoints: BreakpointController;
  /** Ids of the proxied WebSockets and event streams open now. */
  liveConnections(): string[];
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * `store` may be a function: the host's current session (the app replaces its store when the
 * user clears or opens a session); each new client connection records into the store of the
 * moment it arrived.
 */
export async function startProxy(
  store: SessionStore | (() => SessionStore),
  options: ProxyOptions = {},
): Promise<ProxyHandle> {
  const host = options.host ?? '127.0.0.1';
  const currentStore = typeof store === 'function' ? store : () => store;
  const live = new LiveStreams();
  const breakpoints = options.breakpoints ?? new BreakpointController();
  const tunnelOptions: TunnelOptions = {
    live,
    breakpoints,
    get store() {
      return currentStore();
    },
    insecureUpstream: options.insecureUpstream ?? false,
    maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    mitm: options.mitm ?? null,
    sniffTimeoutMs: 30_000,
  };
  const router = options.target ? reverseRouter(options.target) : forwardRouter;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new HttpSession(socket, {
      ...tunnelOptions,
      router,
      ...(options.target
        ? {}
        : {
            onConnect: (client, line, head, rest) => {
              handleConnect(client, line, head, rest, tunnelOptions);
            },
          }),
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${hostForUrl(address.address)}:${address.port}`,
    host: address.address,
    port: address.port,
    get openConnections() {
      return sockets.size;
    },
    inject: (connectionId, direction, message) => live.inject(connectionId, direction, message),
    liveConnections: () => live.ids(),
    breakpoints,
    close: () =>
      new Promise<void>((resolve) => {
        breakpoints.releaseAll();
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
