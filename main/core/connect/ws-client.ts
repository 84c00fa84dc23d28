import net from 'node:net';
import tls from 'node:tls';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { Connection, HeaderList } from '../../../shared/model/connection.ts';
import type { Direction, NewEntry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { WsFrameDecoder } from '../protocol/ws/frame-decoder.ts';
import type { DecodedWsMessage } from '../protocol/ws/types.ts';
import { parsePerMessageDeflate } from '../protocol/ws/permessage-deflate.ts';
import { wsEnding } from '../protocol/ws/close-outcome.ts';
import type { CloseFrameSeen } from '../protocol/ws/close-outcome.ts';
import { now } from '../util/clock.ts';
import { newConnectionId } from '../util/ids.ts';
import { settleOnce } from '../util/settle-once.ts';
import { HttpHeadReader, headerListFromRaw, parseStatusLine } from '../util/http-head.ts';
import type { HttpHead } from '../util/http-head.ts';
import { reportByteCounts } from './byte-count-reporter.ts';
import { tapSocket } from './socket-tap.ts';
import { readBoundedBody } from './bounded-body.ts';
import { describeNetworkError } from './network-error.ts';

export interface WsClientOptions {
  url: string;
  headers?: HeaderList;
  protocols?: string[];
  /** Offer permessage-deflate, as browsers and `ws` do (default true). */
  deflate?: boolean;
  /** Accept self-signed or otherwise invalid server certificates. */
  insecure?: boolean;
  handshakeTimeoutMs?: number;
  /** Send a ping this often and record the round-trip time (0 = never). */
  autoPingMs?: number;
  /** Largest message the client accepts and the decoder buffers (bytes). */
  maxPayload?: number;
  source?: Connection['source'];
}

export type WsOutcome =
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'aborted' }
  | { kind: 'failed'; error: string };

export interface WsClientHandle {
  readonly connectionId: string;
  /** Resolves once the handshake succeeded, rejects with a one-line reason if it failed. */
  readonly opened: Promise<void>;
  /** Resolves when the connection is over, however it ended. */
  readonly done: Promise<WsOutcome>;
  sendText(text: string): Promise<void>;
  sendBinary(data: Uint8Array): Promise<void>;
  ping(data?: Uint8Array): void;
  /** Starts the closing handshake; ends the socket if the server does not answer in time. */
  close(code?: number, reason?: string, timeoutMs?: number): Promise<WsOutcome>;
}

const defaultMaxPayload = 64 * 1024 * 1024;

/**
 * An outbound WebSocket connection. `ws` speaks the protocol; Telltale taps the socket beside it
 * and decodes the very bytes that crossed the wire, both ways, with its own frame decoder, so
 * what is recorded is what was sent — pings ws answers by itself and close frames included.
 */
export function openWsConnection(store: SessionStore, options: WsClientOptions): WsClientHandle {
  const id = newConnectionId();
  const url = new URL(options.url);
  const isSecure = url.protocol === 'wss:' || url.protocol === 'https:';
  const maxPayload = options.maxPayload ?? defaultMaxPayload;

  store.addConnection({
    id,
    kind: 'ws',
    source: options.source ?? 'client',
    url: options.url,
    method: 'GET',
    requestHeaders: options.headers ?? [],
    state: 'connecting',
    openedAt: now(),
    bytesOut: 0,
    bytesIn: 0,
  });

  const append = (entry: Omit<NewEntry, 'connectionId'>): void => {
    store.append({ ...entry, connectionId: id });
  };
  const lifecycle = (phase: NewEntry['lifecycle'], text: string): void => {
    append({
      time: now(),
      direction: 'in',
      kind: 'lifecycle',
      payload: text,
      payloadSize: 0,
      wireSize: 0,
      lifecycle: phase,
    });
  };

  const closeFrames: CloseFrameSeen[] = [];
  let bytesOut = 0;
  let bytesIn = 0;
  let upgraded = false;

  const onDecoded = (direction: Direction) => (message: DecodedWsMessage) => {
    if (message.kind === 'close' && message.close) {
      closeFrames.push({ direction, code: message.close.code, reason: message.close.reason });
    }
    append({ ...message, time: now(), direction });
  };

  // One decoder per direction, made once the 101 says whether and how deflate was negotiated.
  let outDecoder: WsFrameDecoder | null = null;
  let inDecoder: WsFrameDecoder | null = null;
  let requestHead: HttpHead | null = null;
  const outHead = new HttpHeadReader();
  const inHead = new HttpHeadReader();
  const pendingOut: Buffer[] = [];

  const startDecoders = (responseHead: HttpHead): void => {
    const extensions = responseHead.headers
      .filter(([n]) => n.toLowerCase() === 'sec-websocket-extensions')
      .map(([, v]) => v)
      .join(', ');
    const deflate = extensions ? parsePerMessageDeflate(extensions) : null;
    outDecoder = new WsFrameDecoder(onDecoded('out'), { direction: 'out', deflate, maxPayload });
    inDecoder = new WsFrameDecoder(onDecoded('in'), { direction: 'in', deflate, maxPayload });
    for (const chunk of pendingOut.splice(0)) outDecoder.feed(chunk);
  };

  const createConnection = (
    connectOptions: net.NetConnectOpts & tls.ConnectionOptions,
  ): net.Socket => {
    let socket: net.Socket;
    if (isSecure) {
      const host = (connectOptions as { host?: string }).host ?? url.hostname;
      socket = tls.connect({
        ...connectOptions,
        // Same rule as ws: no SNI for an IP literal.
        servername: connectOptions.servername ?? (net.isIP(host) ? '' : host),
      } as tls.ConnectionOptions);
    } else {
      socket = net.connect(connectOptions);
    }
    tapSocket(socket, {
      onWrite(chunk) {
        if (!requestHead) {
          const got = outHead.push(chunk);
          if (!got || 'error' in got) return;
          requestHead = got.head;
          store.updateConnection(id, { requestHeaders: got.head.headers });
          chunk = got.rest;
          if (chunk.length === 0) return;
        }
        bytesOut += chunk.length;
        // Frames written before the 101 arrived cannot exist (ws waits), but keep order anyway.
        if (outDecoder) outDecoder.feed(chunk);
        else pendingOut.push(chunk);
      },
      onRead(chunk) {
        if (!upgraded) {
          const got = inHead.push(chunk);
          if (!got || 'error' in got) return;
          const status = parseStatusLine(got.head.startLine);
          if (status?.status !== 101) return; // a refused handshake is recorded from `ws`'s response
          upgraded = true;
          startDecoders(got.head);
          chunk = got.rest;
          if (chunk.length === 0) return;
        }
        bytesIn += chunk.length;
        inDecoder?.feed(chunk);
      },
    });
    return socket;
  };

  const ws = new WebSocket(options.url, options.protocols ?? [], {
    headers: Object.fromEntries(groupHeaders(options.headers ?? [])),
    perMessageDeflate: options.deflate === false ? false : {},
    rejectUnauthorized: !options.insecure,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    maxPayload,
    createConnection: createConnection as never,
    followRedirects: false,
  });

  const opened = settleOnce();
  const done = settleOnce<WsOutcome>();
  let failure: string | null = null;
  let pingTimer: NodeJS.Timeout | undefined;
  let stopReporting: (() => void) | undefined;
  const pingsInFlight = new Map<string, number>();
  const rtts: number[] = [];

  const fail = (message: string): void => {
    failure ??= message;
    opened.reject(new Error(message));
  };

  ws.on('upgrade', (res: IncomingMessage) => {
    store.updateConnection(id, {
      response: {
        status: res.statusCode ?? 101,
        statusText: res.statusMessage ?? '',
        headers: headerListFromRaw(res.rawHeaders),
      },
    });
  });

  ws.on('open', () => {
    store.updateConnection(id, {
      state: 'open',
      protocol: ws.protocol || undefined,
      extensions: ws.extensions || undefined,
    });
    const negotiated = [
      ws.protocol ? `protocol ${ws.protocol}` : 'no subprotocol',
      ws.extensions ? `extensions ${ws.extensions}` : 'no extensions',
    ].join(', ');
    lifecycle('open', `101 Switching Protocols (${negotiated})`);
    opened.resolve();
    stopReporting = reportByteCounts(store, id, () => ({ bytesIn, bytesOut }));
    const every = options.autoPingMs ?? 0;
    if (every > 0) {
      pingTimer = setInterval(() => {
        const token = `telltale-${pingsInFlight.size}-${Math.round(now())}`;
        pingsInFlight.set(token, performance.now());
        ws.ping(Buffer.from(token));
      }, every);
      pingTimer.unref();
    }
  });

  ws.on('pong', (data: Buffer) => {
    const sentAt = pingsInFlight.get(data.toString());
    if (sentAt === undefined) return;
    pingsInFlight.delete(data.toString());
    rtts.push(Math.round((performance.now() - sentAt) * 1000) / 1000);
    if (rtts.length > 100) rtts.shift();
    store.updateConnection(id, { pingRttMs: [...rtts] });
  });

  ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
    const status = `${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim();
    void readBoundedBody(res).then((body) => {
      store.updateConnection(id, {
        response: {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: headerListFromRaw(res.rawHeaders),
          ...body,
        },
      });
      fail(`handshake refused: HTTP ${status} (expected 101 Switching Protocols)`);
      req.destroy();
      finish();
    });
  });

  ws.on('error', (error: Error) => {
    fail(describeNetworkError(error, options.url));
  });

  ws.on('close', () => {
    // Only the socket's end is waited for: by then every byte has gone through the taps.
    finish();
  });

  let finished = false;
  function finish(): void {
    if (finished) return;
    finished = true;
    clearInterval(pingTimer);
    stopReporting?.();
    outDecoder?.end();
    inDecoder?.end();
    const ended = now();
    let outcome: WsOutcome;
    const peerClosed = closeFrames.some((f) => f.direction === 'in');
    if (!upgraded || (failure && !peerClosed)) {
      outcome = { kind: 'failed', error: failure ?? 'connection failed before the handshake' };
      store.updateConnection(id, {
        state: 'failed',
        error: outcome.error,
        closedAt: ended,
        bytesIn,
        bytesOut,
      });
      lifecycle('failed', outcome.error);
    } else {
      const ending = wsEnding(closeFrames);
      outcome =
        ending.state === 'closed'
          ? {
              kind: 'closed',
              code: ending.fields.closeCode ?? 1005,
              reason: ending.fields.closeReason ?? '',
            }
          : { kind: 'aborted' };
      store.updateConnection(id, {
        state: ending.state,
        ...ending.fields,
        closedAt: ended,
        bytesIn,
        bytesOut,
      });
      lifecycle(ending.state, ending.summary);
    }
    opened.reject(new Error(failure ?? 'connection ended before the handshake completed'));
    done.resolve(outcome);
  }

  const send = (data: string | Uint8Array, binary: boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) {
        reject(new Error(`cannot send: the connection is ${describeReadyState(ws.readyState)}`));
        return;
      }
      ws.send(data, { binary }, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });

  return {
    connectionId: id,
    opened: opened.promise,
    done: done.promise,
    sendText: (text) => send(text, false),
    sendBinary: (data) => send(data, true),
    ping(data) {
      if (ws.readyState === WebSocket.OPEN) ws.ping(data);
    },
    async close(code = 1000, reason = '', timeoutMs = 2000) {
      if (ws.readyState === WebSocket.CONNECTING) {
        fail('closed by the user before the handshake completed');
        ws.terminate();
      } else if (ws.readyState === WebSocket.OPEN) {
        store.updateConnection(id, { state: 'closing' });
        ws.close(code, reason);
        const timer = setTimeout(() => {
          ws.terminate();
        }, timeoutMs);
        timer.unref();
        void done.promise.then(() => {
          clearTimeout(timer);
        });
      }
      return done.promise;
    },
  };
}

function describeReadyState(state: number): string {
  return ['still connecting', 'open', 'closing', 'closed'][state] ?? 'closed';
}

/** Repeated request headers are joined the way HTTP allows, since ws takes a plain object. */
function groupHeaders(headers: HeaderList): Map<string, string> {
  const grouped = new Map<string, string>();
  for (const [name, value] of headers) {
    const previous = grouped.get(name);
    grouped.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return grouped;
}
