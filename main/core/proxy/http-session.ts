/**
 * One client byte stream (a plain connection to the listener, a sniffed plain tunnel, or the
 * decrypted side of a MITM tunnel) relayed as HTTP/1.1 to its upstreams.
 *
 * Bytes toward the client are forwarded the moment they arrive, heads included (response heads
 * are never changed); the parsers beside them only find where each response ends, so a chunked
 * body keeps its chunks and a close-delimited one its ending. Toward the upstream only the
 * request head is rewritten (origin-form, proxy-only headers dropped, Host in reverse mode); its
 * body goes on as received. Requests are handled one at a time: bytes of a pipelined next request
 * wait (the client is paused) until the response before it is complete.
 */
import type net from 'node:net';
import type { HeaderList } from '../../../shared/model/connection.ts';
import type { SessionStore } from '../session/store.ts';
import { isUtf8 } from 'node:buffer';
import type { HttpResponseInfo } from '../../../shared/model/connection.ts';
import { describeNetworkError } from '../connect/network-error.ts';
import { HttpHeadReader, headerValue, parseStatusLine } from '../util/http-head.ts';
import type { HttpHead } from '../util/http-head.ts';
import { now } from '../util/clock.ts';
import { BodyFramer } from './body-framer.ts';
import { ExchangeRecord } from './exchange-record.ts';
import {
  contentTypeEssence,
  isUpgradeRequest,
  parseRequestLine,
  requestBodyMode,
  responseBodyMode,
  upstreamRequestHead,
  wantsClose,
} from './http-heads.ts';
import type { RequestLine } from './http-heads.ts';
import type { Route, Router } from './routes.ts';
import { wsUrl } from './routes.ts';
import { SseTap } from './sse-tap.ts';
import { BodyCapture, bodyEntry } from './body-capture.ts';
import type { CapturedBody } from './body-capture.ts';
import { connectUpstream, originKey } from './upstream.ts';
import { forward, Valve } from './valve.ts';
import { WsTap } from './ws-tap.ts';
import type { LiveStreams } from './live-streams.ts';
import { SseRelay } from './sse-relay.ts';
import { WsDirectionRelay } from './ws-relay.ts';
import type { BreakpointController } from '../replay/breakpoints.ts';
import { parsePerMessageDeflate } from '../protocol/ws/permessage-deflate.ts';

export interface HttpSessionOptions {
  store: SessionStore;
  router: Router;
  insecureUpstream: boolean;
  /** Largest WebSocket message the taps decode (bytes). */
  maxPayload: number;
  /** Close both sides after this long without traffic (0: never). */
  idleTimeoutMs: number;
  /** A CONNECT request on this stream (only the listener's own connections accept one). */
  onConnect?: (client: net.Socket, line: RequestLine, head: HttpHead, rest: Buffer) => void;
  /** Bytes that arrived before the session took over (after a CONNECT head, a sniffed first read). */
  initial?: Buffer;
  /** Where open WebSockets and event streams are listed for injection. */
  live?: LiveStreams;
  /** Breakpoint and handshake rules (read at each message and each upgrade). */
  breakpoints?: BreakpointController | null;
  /** Cap on each plain HTTP body kept for the record (decoded bytes; 0 keeps none). */
  maxBodyBytes: number;
}

/** The exchange in progress on this stream. */
interface Exchange {
  record: ExchangeRecord;
  line: RequestLine;
  route: Route;
  upgrade: boolean;
  requestFramer: BodyFramer;
  requestClose: boolean;
  /** The request body kept for the record (null when there is none or none is kept). */
  requestBody: BodyCapture | null;
  /** The request body's entry, once recorded (in order before anything of the response's). */
  requestRecorded: Promise<void> | null;
  /** A plain (not SSE, not upgrade) response body kept for the record. */
  responseBody: BodyCapture | null;
  /** The whole request body as text, once recorded (an SSE connection keeps it, for LLM views). */
  requestText: string | undefined;
  responseHead: HttpHeadReader;
  status: number;
  responseFramer: BodyFramer | null;
  responseClose: boolean;
  sse: SseTap | null;
  /** Body of a refused upgrade, kept for the record (bounded). */
  refusedBody: Buffer[] | null;
  refusedSize: number;
  wsTap: WsTap | null;
  /** Injection into the open WebSocket, per direction. */
  ws: { out: WsDirectionRelay; in: WsDirectionRelay } | null;
  sseRelay: SseRelay | null;
  /** The response is complete; the SSE relay is still sending what it held. */
  finishing: boolean;
  sentToClient: boolean;
  startedAt: number;
  bytesIn: number;
  bytesOut: number;
}

const maxRefusedBody = 64 * 1024;

/** Read through a call: a method that was just called may have set it. */
function hasFramer(exchange: Exchange): boolean {
  return exchange.responseFramer !== null;
}

function recordedBody(
  kept: Buffer,
  wireBytes: number,
): Pick<HttpResponseInfo, 'body' | 'bodyBase64' | 'bodyTruncated'> {
  const text = isUtf8(kept)
    ? { body: kept.toString('utf8') }
    : { bodyBase64: kept.toString('base64') };
  return kept.length >= maxRefusedBody && wireBytes > kept.length
    ? { ...text, bodyTruncated: true }
    : text;
}

export class HttpSession {
  readonly #o: HttpSessionOptions;
  readonly #client: net.Socket;
  readonly #clientValve: Valve;
  #clientState: 'head' | 'body' | 'held' | 'tunnel' | 'gone' = 'head';
  #requestHead = new HttpHeadReader();
  #held: Buffer[] = [];
  #exchange: Exchange | null = null;
  #upstream: net.Socket | null = null;
  #upstreamKey = '';
  #upstreamValve: Valve | null = null;
  #clientEnded = false;
  #upstreamEnded = false;
  #closed = false;

  constructor(client: net.Socket, options: HttpSessionOptions) {
    this.#o = options;
    this.#client = client;
    this.#clientValve = new Valve(client);
    client.on('data', this.#onClientData);
    client.on('end', this.#onClientEnd);
    client.on('error', (error: Error) => {
      this.#clientGone(`client connection error: ${error.message}`);
    });
    client.on('close', () => {
      this.#clientGone('the client closed the connection');
    });
    if (options.idleTimeoutMs > 0) {
      client.setTimeout(options.idleTimeoutMs, () => {
        this.#fault(`idle for ${options.idleTimeoutMs} ms: closed by the proxy`);
      });
    }
    if (options.initial && options.initial.length > 0) this.#onClientData(options.initial);
  }

  // ── client → upstream ─────────────────────────────────────────────────────

  readonly #onClientData = (chunk: Buffer): void => {
    let rest: Buffer = chunk;
    while (rest.length > 0 && !this.#closed) {
      switch (this.#clientState) {
        case 'head': {
          const got = this.#requestHead.push(rest);
          if (!got) return;
          if ('error' in got) {
            this.#refuse(431, got.error);
            return;
          }
          rest = got.rest;
          if (!this.#startExchange(got.head, rest)) return;
          break;
        }
        case 'body': {
          const exchange = this.#exchange;
          const upstream = this.#upstream;
          if (!exchange || !upstream || !this.#upstreamValve) return;
          const result = exchange.requestFramer.push(rest);
          const part = result.consumed === rest.length ? rest : rest.subarray(0, result.consumed);
          exchange.bytesOut += part.length;
          forward(upstream, part, this.#clientValve);
          rest = rest.subarray(result.consumed);
          if (result.done) {
            this.#clientState = 'held';
            void this.#recordRequestBody(exchange);
          }
          break;
        }
        case 'held':
          // A pipelined request (or bytes sent before the 101): kept until the response is over.
          this.#held.push(rest);
          this.#clientValve.pause('held');
          return;
        case 'tunnel': {
          const upstream = this.#upstream;
          const exchange = this.#exchange;
          if (exchange?.ws) exchange.ws.out.push(rest);
          else {
            if (upstream) forward(upstream, rest, this.#clientValve);
            exchange?.wsTap?.feed('out', rest);
          }
          return;
        }
        case 'gone':
          return;
      }
    }
  };

  /** Returns false when the stream was handed elsewhere or refused. */
  #startExchange(head: HttpHead, rest: Buffer): boolean {
    const line = parseRequestLine(head.startLine);
    if (!line) {
      this.#refuse(400, `bad request line "${head.startLine.slice(0, 80)}"`);
      return false;
    }
    if (line.method === 'CONNECT') {
      if (!this.#o.onConnect) {
        this.#refuse(405, 'CONNECT is not accepted inside a tunnel or in reverse mode');
        return false;
      }
      this.#detach();
      this.#o.onConnect(this.#client, line, head, rest);
      return false;
    }
    const route = this.#o.router(line, head);
    if (!('origin' in route)) {
      this.#refuse(route.status, route.message);
      return false;
    }
    const upgrade = isUpgradeRequest(head.headers);
    const url = upgrade ? wsUrl(route.url) : route.url;
    const rules = upgrade ? this.#o.breakpoints?.applyHandshakeRules(url, head.headers) : undefined;
    const changed = rules !== undefined && rules.applied.length > 0;
    // What the server is sent (and so what is recorded): the head after the handshake rules.
    const sentHead: HttpHead = changed ? { ...head, headers: rules.headers } : head;
    const record = new ExchangeRecord(this.#o.store, {
      kind: upgrade ? 'ws' : 'http',
      url,
      method: line.method,
      requestHeaders: sentHead.headers,
    });
    if (changed) {
      record.lifecycle(
        'info',
        `request headers changed by handshake rule${rules.applied.length > 1 ? 's' : ''} ${rules.applied.join(', ')}`,
      );
    }
    const requestMode = upgrade ? ({ kind: 'none' } as const) : requestBodyMode(head.headers);
    const requestBody =
      requestMode.kind !== 'none' && this.#o.maxBodyBytes > 0
        ? new BodyCapture(headerValue(head.headers, 'content-encoding') ?? '', this.#o.maxBodyBytes)
        : null;
    const exchange: Exchange = {
      record,
      line,
      route,
      upgrade,
      requestFramer: new BodyFramer(
        requestMode,
        requestBody
          ? (payload) => {
              requestBody.push(payload);
            }
          : undefined,
      ),
      requestClose: wantsClose(head.headers, line.version),
      requestBody,
      requestRecorded: null,
      responseBody: null,
      requestText: undefined,
      responseHead: new HttpHeadReader(),
      status: 0,
      responseFramer: null,
      responseClose: false,
      sse: null,
      refusedBody: null,
      refusedSize: 0,
      wsTap: null,
      ws: null,
      sseRelay: null,
      finishing: false,
      sentToClient: false,
      startedAt: now(),
      bytesIn: 0,
      bytesOut: 0,
    };
    this.#exchange = exchange;
    const upstream = this.#upstreamFor(route);
    upstream.write(upstreamRequestHead(sentHead, line, route.target, route.host));
    this.#clientState = exchange.requestFramer.done ? 'held' : 'body';
    return true;
  }

  #upstreamFor(route: Route): net.Socket {
    const key = originKey(route.origin);
    if (this.#upstream && this.#upstreamKey === key && !this.#upstreamEnded) return this.#upstream;
    this.#upstream?.destroy();
    const socket = connectUpstream(route.origin, this.#o.insecureUpstream);
    this.#upstream = socket;
    this.#upstreamKey = key;
    this.#upstreamEnded = false;
    const valve = new Valve(socket);
    this.#upstreamValve = valve;
    const current = (): boolean => this.#upstream === socket;
    socket.on('data', (chunk: Buffer) => {
      if (current()) this.#onUpstreamData(chunk);
    });
    socket.on('end', () => {
      if (current()) this.#onUpstreamEnd();
    });
    socket.on('error', (error: Error) => {
      if (current()) this.#onUpstreamError(error);
    });
    socket.on('close', () => {
      if (current()) this.#onUpstreamClose();
    });
    if (this.#o.idleTimeoutMs > 0) {
      socket.setTimeout(this.#o.idleTimeoutMs, () => {
        if (current()) this.#fault(`idle for ${this.#o.idleTimeoutMs} ms: closed by the proxy`);
      });
    }
    return socket;
  }

  // ── upstream → client ─────────────────────────────────────────────────────

  #onUpstreamData(chunk: Buffer): void {
    const exchange = this.#exchange;
    if (!exchange) {
      // Nothing was asked: an upstream speaking out of turn is not relayed.
      this.#upstream?.destroy();
      return;
    }
    const valve = this.#upstreamValve;
    if (!valve) return;
    if (exchange.wsTap) {
      if (exchange.ws) exchange.ws.in.push(chunk);
      else {
        forward(this.#client, chunk, valve);
        exchange.wsTap.feed('in', chunk);
      }
      return;
    }
    exchange.sentToClient = true;
    const relay = exchange.sseRelay;
    if (relay?.intercepting) {
      // Event by event: the relay forwards what the framer hands it.
      this.#readResponse(exchange, chunk, valve);
      return;
    }
    // With an SSE injection waiting, the chunk is framed first and forwarded split where the
    // event may go; otherwise it is forwarded before anything reads it (heads: see below).
    const held = relay?.begin(chunk) ?? false;
    if (!held && exchange.responseFramer) forward(this.#client, chunk, valve);
    try {
      this.#readResponse(exchange, chunk, valve);
    } finally {
      if (held) relay?.release();
    }
  }

  #readResponse(exchange: Exchange, chunk: Buffer, valve: Valve): void {
    let rest = chunk;
    while (rest.length > 0 && this.#exchange === exchange) {
      if (!exchange.responseFramer) {
        // A head is forwarded as soon as it is read; what follows it in the same read goes the
        // way the head says (through the WebSocket relay, the SSE relay, or straight on).
        const got = exchange.responseHead.push(rest);
        if (!got) {
          forward(this.#client, rest, valve);
          return;
        }
        if ('error' in got) {
          forward(this.#client, rest, valve);
          this.#fault(`bad response from upstream: ${got.error}`);
          return;
        }
        forward(this.#client, rest.subarray(0, rest.length - got.rest.length), valve);
        rest = got.rest;
        this.#onResponseHead(exchange, got.head);
        // (Re-read: the head may have just opened the WebSocket.)
        const tap = exchange.wsTap;
        if (tap) {
          if (rest.length > 0) {
            if (exchange.ws) exchange.ws.in.push(rest);
            else {
              forward(this.#client, rest, valve);
              tap.feed('in', rest);
            }
          }
          return;
        }
        // A final head set the framer (a 1xx did not: the next head follows in `rest`).
        if (hasFramer(exchange) && !exchange.sseRelay?.intercepting && rest.length > 0) {
          forward(this.#client, rest, valve);
        }
        continue;
      }
      const result = exchange.responseFramer.push(rest);
      exchange.bytesIn += result.consumed;
      if (result.error) {
        exchange.record.append({
          time: now(),
          direction: 'in',
          kind: 'error',
          payload: result.error.message,
          payloadSize: 0,
          wireSize: 0,
          notes: [{ code: result.error.code, message: result.error.message }],
        });
        // Boundaries are lost: relay until the upstream closes, then close the client.
        exchange.responseFramer = new BodyFramer({ kind: 'close' });
        exchange.responseClose = true;
        return;
      }
      rest = rest.subarray(result.consumed);
      if (result.done) {
        this.#completeResponse(exchange);
        // Still sending what the SSE relay holds: nothing after the body is read meanwhile.
        if (exchange.finishing) return;
      }
    }
  }

  /** The response body is over: the SSE relay sends what it still holds, then it is finished. */
  #completeResponse(exchange: Exchange): void {
    const relay = exchange.sseRelay;
    if (!relay) {
      this.#finishExchange(exchange);
      return;
    }
    if (exchange.finishing) return;
    exchange.finishing = true;
    relay.release();
    relay.finish(() => {
      relay.end();
      if (this.#exchange === exchange) this.#finishExchange(exchange);
    });
  }

  #onResponseHead(exchange: Exchange, head: HttpHead): void {
    const status = parseStatusLine(head.startLine);
    if (!status) {
      this.#fault(`bad response status line "${head.startLine.slice(0, 80)}"`);
      return;
    }
    // 1xx informational heads (100 Continue…) are relayed; the real answer follows.
    if (status.status >= 100 && status.status < 200 && status.status !== 101) {
      exchange.responseHead = new HttpHeadReader();
      return;
    }
    exchange.status = status.status;
    const response = {
      status: status.status,
      statusText: status.statusText,
      headers: head.headers,
    };
    const { record } = exchange;
    if (exchange.upgrade && status.status === 101) {
      const protocol = headerValue(head.headers, 'sec-websocket-protocol');
      const extensions = headerValue(head.headers, 'sec-websocket-extensions');
      record.update({
        response,
        state: 'open',
        ...(protocol ? { protocol } : {}),
        ...(extensions ? { extensions } : {}),
      });
      record.lifecycle(
        'open',
        `101 Switching Protocols (${protocol ? `protocol ${protocol}` : 'no subprotocol'}, ${extensions ? `extensions ${extensions}` : 'no extensions'})`,
      );
      exchange.wsTap = new WsTap(record, head.headers, this.#o.maxPayload);
      this.#startWsInjectors(exchange, head.headers);
      this.#clientState = 'tunnel';
      this.#client.setTimeout(0);
      this.#upstream?.setTimeout(0);
      // Frames the client sent before the 101 arrived go on now.
      const held = this.#held.splice(0);
      this.#clientValve.resume('held');
      for (const bytes of held) this.#onClientData(bytes);
      return;
    }
    const mode = responseBodyMode(exchange.line.method, status.status, head.headers);
    exchange.responseClose = mode.kind === 'close' || wantsClose(head.headers, 'HTTP/1.1');
    const isSse =
      !exchange.upgrade &&
      contentTypeEssence(head.headers) === 'text/event-stream' &&
      status.status >= 200 &&
      status.status < 300;
    record.update({
      response,
      ...(isSse ? { kind: 'sse' as const, state: 'open' as const } : {}),
      // Where an event stream's request body is read (LLM request side, replay, HAR postData).
      ...(isSse && exchange.requestText !== undefined ? { requestBody: exchange.requestText } : {}),
    });
    if (isSse) {
      const contentEncoding = headerValue(head.headers, 'content-encoding') ?? '';
      const sse = new SseTap(record, contentEncoding);
      exchange.sse = sse;
      // A quiet stream is normal for SSE: the idle timeout is for keep-alive connections.
      this.#client.setTimeout(0);
      this.#upstream?.setTimeout(0);
      record.lifecycle('open', `${status.status} ${status.statusText || 'OK'} (text/event-stream)`);
      const relay: SseRelay = new SseRelay({
        connectionId: record.id,
        to: this.#client,
        source: this.#upstreamValve ?? this.#clientValve,
        framing: mode.kind === 'chunked' ? 'chunked' : mode.kind === 'close' ? 'close' : 'length',
        encoded: !/^\s*(identity)?\s*$/i.test(contentEncoding),
        atChunkBoundary: (): boolean => framer.atChunkBoundary,
        append: (entry) => record.store.append(entry),
        tap: sse,
        breakpoints: this.#o.breakpoints ?? null,
        connection: () => record.store.getConnection(record.id),
      });
      const framer: BodyFramer = new BodyFramer(
        mode,
        relay.intercepting
          ? (payload) => {
              relay.onPayload(payload);
            }
          : (payload) => {
              relay.onPayload(payload);
              sse.push(payload);
            },
        (chunk, offset) => {
          relay.onChunkBoundary(chunk, offset);
        },
      );
      exchange.responseFramer = framer;
      exchange.sseRelay = relay;
      this.#o.live?.add(record.id, { kind: 'sse', in: relay });
    } else if (exchange.upgrade) {
      exchange.refusedBody = [];
      exchange.responseFramer = new BodyFramer(mode, (payload) => {
        const room = maxRefusedBody - exchange.refusedSize;
        if (room <= 0 || !exchange.refusedBody) return;
        const kept = Buffer.from(payload.subarray(0, room));
        exchange.refusedBody.push(kept);
        exchange.refusedSize += kept.length;
      });
    } else {
      const capture =
        this.#o.maxBodyBytes > 0 && mode.kind !== 'none'
          ? new BodyCapture(
              headerValue(head.headers, 'content-encoding') ?? '',
              this.#o.maxBodyBytes,
            )
          : null;
      exchange.responseBody = capture;
      exchange.responseFramer = new BodyFramer(
        mode,
        capture
          ? (payload) => {
              capture.push(payload);
            }
          : undefined,
      );
    }
    if (exchange.responseFramer.done) this.#completeResponse(exchange);
  }

  /** The response is complete: record it, then go on with the next request (or close). */
  #finishExchange(exchange: Exchange): void {
    this.#exchange = null;
    void this.#recordEnd(exchange, null);
    // A response that came before its request was fully sent (an early 413, say): the rest of
    // that request cannot be told from the next one without reading it, so the connection ends.
    const requestUnfinished = this.#clientState === 'body';
    if (exchange.responseClose || exchange.requestClose || this.#clientEnded || requestUnfinished) {
      this.#upstream?.end();
      this.#upstream = null;
      this.#client.end();
      this.#clientState = 'gone';
      return;
    }
    this.#clientState = 'head';
    this.#requestHead = new HttpHeadReader();
    const held = this.#held.splice(0);
    this.#clientValve.resume('held');
    for (const bytes of held) this.#onClientData(bytes);
  }

  #startWsInjectors(exchange: Exchange, responseHeaders: HeaderList): void {
    const upstream = this.#upstream;
    const upstreamValve = this.#upstreamValve;
    if (!upstream || !upstreamValve) return;
    const { record } = exchange;
    // As the tap reads them: every Sec-WebSocket-Extensions header, joined.
    const extensions = responseHeaders
      .filter(([n]) => n.toLowerCase() === 'sec-websocket-extensions')
      .map(([, v]) => v)
      .join(', ');
    const deflate = extensions ? parsePerMessageDeflate(extensions) : null;
    const append = (entry: Parameters<SessionStore['append']>[0]): void => {
      record.store.append(entry);
    };
    const tap = exchange.wsTap;
    if (!tap) return;
    const common = {
      connectionId: record.id,
      deflate,
      append,
      tap,
      breakpoints: () => this.#o.breakpoints ?? null,
      connection: () => record.store.getConnection(record.id),
    };
    exchange.ws = {
      out: new WsDirectionRelay({
        ...common,
        direction: 'out',
        to: upstream,
        source: this.#clientValve,
      }),
      in: new WsDirectionRelay({
        ...common,
        direction: 'in',
        to: this.#client,
        source: upstreamValve,
      }),
    };
    this.#o.live?.add(record.id, { kind: 'ws', ...exchange.ws });
  }

  /**
   * Records the request body once, as one `out` entry at the moment it ended (or when the exchange
   * ended before it did). Resolves when it is in the store.
   */
  #recordRequestBody(exchange: Exchange): Promise<void> | null {
    if (exchange.requestRecorded) return exchange.requestRecorded;
    const capture = exchange.requestBody;
    if (!capture) return null;
    const kept = capture.finish();
    if (!(kept instanceof Promise)) {
      this.#appendBody(exchange, 'out', kept);
      exchange.requestRecorded = Promise.resolve();
      return exchange.requestRecorded;
    }
    const time = now();
    exchange.requestRecorded = kept.then((body) => {
      this.#appendBody(exchange, 'out', body, time);
    });
    return exchange.requestRecorded;
  }

  #appendBody(
    exchange: Exchange,
    direction: 'out' | 'in',
    body: CapturedBody,
    time: number = now(),
  ): void {
    const entry = bodyEntry(direction, body, time, this.#o.maxBodyBytes);
    if (!entry) return;
    exchange.record.append(entry);
    if (direction === 'out' && typeof entry.payload === 'string' && !body.truncated) {
      exchange.requestText = entry.payload;
    }
  }

  async #recordEnd(exchange: Exchange, fault: string | null): Promise<void> {
    const { record } = exchange;
    this.#o.live?.delete(record.id);
    this.#o.breakpoints?.releaseConnection(record.id);
    exchange.ws?.out.end();
    exchange.ws?.in.end();
    exchange.sseRelay?.end();
    if (record.ended) return;
    const counts = { bytesIn: exchange.bytesIn, bytesOut: exchange.bytesOut };
    if (exchange.wsTap) {
      exchange.wsTap.finish(fault);
      return;
    }
    if (exchange.upgrade && exchange.status !== 0) {
      const body = recordedBody(Buffer.concat(exchange.refusedBody ?? []), exchange.bytesIn);
      const current = record.store.getConnection(record.id);
      const response = current?.response;
      if (response) record.update({ response: { ...response, ...body } });
      record.end(
        'failed',
        `handshake refused: HTTP ${exchange.status} (expected 101 Switching Protocols)`,
        counts,
      );
      return;
    }
    // The request's body first (a fault mid-request keeps what came), then the response's.
    const requestDone = this.#recordRequestBody(exchange);
    if (requestDone) await requestDone;
    if (exchange.responseBody) {
      const kept = exchange.responseBody.finish();
      this.#appendBody(exchange, 'in', kept instanceof Promise ? await kept : kept);
    }
    if (exchange.sse) {
      await exchange.sse.end();
      if (fault) record.end('aborted', fault, counts);
      else record.end('closed', 'the server ended the stream', counts);
      return;
    }
    if (fault) {
      record.end(exchange.status === 0 ? 'failed' : 'aborted', fault, counts);
      return;
    }
    const took = (now() - exchange.startedAt).toFixed(1);
    record.end('closed', `${exchange.status}, ${exchange.bytesIn} bytes in ${took} ms`, counts);
  }

  // ── endings and faults ────────────────────────────────────────────────────

  #onUpstreamEnd(): void {
    this.#upstreamEnded = true;
    const exchange = this.#exchange;
    if (exchange?.wsTap) {
      // Half-close: the server finished sending; the client may still send.
      this.#client.end();
      this.#maybeTunnelDone();
      return;
    }
    if (exchange?.finishing) return;
    if (exchange?.responseFramer?.mode.kind === 'close') {
      this.#completeResponse(exchange);
      return;
    }
    if (exchange) {
      this.#fault(
        exchange.status === 0
          ? 'the upstream closed the connection before answering'
          : 'the upstream closed the connection before the response was complete',
      );
      return;
    }
    // Idle keep-alive connection closed by the upstream: the next request opens a new one.
    this.#upstream?.destroy();
    this.#upstream = null;
  }

  #onUpstreamError(error: Error): void {
    const exchange = this.#exchange;
    const message = describeNetworkError(
      error,
      exchange ? exchange.route.url : `http://${this.#upstreamKey}`,
    );
    if (!exchange) {
      this.#upstream = null;
      return;
    }
    this.#fault(`upstream: ${message}`);
  }

  #onUpstreamClose(): void {
    const exchange = this.#exchange;
    if (exchange?.wsTap) {
      if (!this.#upstreamEnded) this.#fault('the upstream connection was reset');
      else this.#maybeTunnelDone();
      return;
    }
    if (exchange) this.#onUpstreamEnd();
    else this.#upstream = null;
  }

  readonly #onClientEnd = (): void => {
    this.#clientEnded = true;
    const exchange = this.#exchange;
    if (exchange?.wsTap) {
      this.#upstream?.end();
      this.#maybeTunnelDone();
      return;
    }
    if (!exchange) {
      // Idle: nothing more will be asked.
      this.#upstream?.end();
      this.#client.end();
      return;
    }
    // Before the response head, a half-closed request still gets its answer. Once a body is
    // streaming, an ending client has gone: no client half-closes to keep reading a stream.
    if (exchange.responseFramer) this.#fault('the client closed the connection', true);
  };

  #maybeTunnelDone(): void {
    const exchange = this.#exchange;
    if (!exchange?.wsTap) return;
    if (!this.#clientEnded || !this.#upstreamEnded) return;
    this.#exchange = null;
    void this.#recordEnd(exchange, null);
  }

  #clientGone(reason: string): void {
    if (this.#closed) return;
    const exchange = this.#exchange;
    if (exchange?.wsTap && this.#clientEnded && this.#upstreamEnded) return;
    this.#fault(exchange?.wsTap ? `${reason} (no close frame)` : reason, true);
  }

  /** Something broke: record it on the exchange in progress and close both sides. */
  #fault(reason: string, clientGone = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clientState = 'gone';
    const exchange = this.#exchange;
    this.#exchange = null;
    if (exchange) {
      if (!clientGone && !exchange.sentToClient && !exchange.wsTap) {
        // Nothing relayed yet: the client gets an honest 502 rather than a bare reset.
        writeError(this.#client, 502, reason);
      } else {
        this.#client.destroy();
      }
      void this.#recordEnd(exchange, reason);
    } else {
      this.#client.destroy();
    }
    this.#upstream?.destroy();
  }

  #refuse(status: number, message: string): void {
    this.#closed = true;
    this.#clientState = 'gone';
    writeError(this.#client, status, message);
    this.#upstream?.destroy();
  }

  #detach(): void {
    // Paused first: without a 'data' listener a flowing socket would drop what it reads.
    this.#client.pause();
    this.#client.removeListener('data', this.#onClientData);
    this.#client.removeListener('end', this.#onClientEnd);
    this.#client.removeAllListeners('error');
    this.#client.removeAllListeners('close');
    this.#closed = true;
    this.#clientState = 'gone';
  }
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  502: 'Bad Gateway',
};

/** The proxy's own answer (it never pretends to be the upstream's), then the connection ends. */
export function writeError(client: net.Socket, status: number, message: string): void {
  if (client.destroyed || client.writableEnded) return;
  const body = `telltale proxy: ${message}\n`;
  const headers: HeaderList = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Connection', 'close'],
    ['X-Telltale-Proxy-Error', '1'],
  ];
  client.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\n` +
      headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') +
      `\r\n${body}`,
  );
}
