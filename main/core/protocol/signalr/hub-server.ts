/**
 * A small SignalR hub server for tests, written from the published specs (HubProtocol.md and
 * TransportProtocols.md in dotnet/aspnetcore), not from ASP.NET: `POST /hub/negotiate` (version
 * 1, a connection token), and the hub at `/hub?id=<token>` over WebSocket, Server-Sent Events +
 * POST, and long polling + POST, in the JSON or MessagePack encoding the handshake asks for. It
 * logs every hub message it received and sent, in the JSON encoding's object shape, so tests can
 * compare the wire with what Telltale shows.
 *
 * Hub methods: `Add(a, b)` → a + b; `Fail(why)` → an error; `Echo(x)` → x; `Poke(text)` sends
 * the client `Poked(text, 42)` and completes void; `Counter(n)` streams 0 … n-1.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenLoopback } from '../../testing/loopback.ts';

type Hub = Record<string, unknown>;
type Encoding = 'json' | 'messagepack';

export interface HubSessionLog {
  token: string;
  transport: 'WebSockets' | 'ServerSentEvents' | 'LongPolling' | undefined;
  encoding: Encoding | undefined;
  received: Hub[];
  sent: Hub[];
}

export interface HubServer {
  /** `http://127.0.0.1:PORT` (the hub is at `/hub`). */
  origin: string;
  sessions: HubSessionLog[];
  close(): Promise<void>;
}

/** Long polls are answered empty after this long (the client polls again). */
const POLL_TIMEOUT_MS = 10_000;

class HubSession {
  readonly log: HubSessionLog;
  #inbox = new Uint8Array(0);
  /** Where the server's bytes go, once a transport is attached. */
  #sink: ((data: Uint8Array | string) => void) | undefined;
  /** Long polling: what waits for the next poll, and the poll waiting for it. */
  #queue: Uint8Array[] = [];
  #poll: http.ServerResponse | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  polled = false;

  constructor(token: string) {
    this.log = { token, transport: undefined, encoding: undefined, received: [], sent: [] };
  }

  attachWebSocket(socket: WebSocket): void {
    this.log.transport = 'WebSockets';
    this.#sink = (data) => {
      socket.send(data);
    };
    socket.on('message', (data: Buffer) => {
      this.receive(new Uint8Array(data));
    });
  }

  attachEventStream(res: http.ServerResponse): void {
    this.log.transport = 'ServerSentEvents';
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(':\r\n\r\n');
    this.#sink = (data) => {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      res.write(`data: ${text}\r\n\r\n`);
    };
  }

  /** A long poll: answered now when something waits, else when something is sent. */
  poll(res: http.ServerResponse): void {
    this.log.transport = 'LongPolling';
    this.#sink ??= (data) => {
      this.#queue.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      this.#flush();
    };
    if (!this.polled) {
      // The first poll only finishes the connection's setup (TransportProtocols.md).
      this.polled = true;
      res.writeHead(200, { 'Content-Length': '0' }).end();
      return;
    }
    this.#poll = res;
    this.#pollTimer = setTimeout(() => {
      this.#answerPoll(200, new Uint8Array(0));
    }, POLL_TIMEOUT_MS);
    this.#flush();
  }

  end(): void {
    this.#answerPoll(204, new Uint8Array(0));
  }

  #flush(): void {
    if (this.#poll === undefined || this.#queue.length === 0) return;
    const body = Buffer.concat(this.#queue);
    this.#queue = [];
    this.#answerPoll(200, body);
  }

  #answerPoll(status: number, body: Uint8Array): void {
    clearTimeout(this.#pollTimer);
    const res = this.#poll;
    this.#poll = undefined;
    if (res === undefined) return;
    res.writeHead(status, {
      'Content-Type':
        this.log.encoding === 'messagepack' ? 'application/octet-stream' : 'text/plain',
      'Content-Length': String(body.length),
    });
    res.end(body);
  }

  /**
   * The client's bytes: JSON records up to 0x1e until the handshake (and throughout with JSON),
   * then VarInt length-prefixed MessagePack. Framed here on its own, not with the dissector's
   * code, so that a framing bug there cannot hide behind the same bug here.
   */
  receive(bytes: Uint8Array): void {
    this.#inbox = Buffer.concat([this.#inbox, bytes]);
    for (;;) {
      if (this.log.encoding !== 'messagepack') {
        const end = this.#inbox.indexOf(0x1e);
        if (end < 0) return;
        const message = JSON.parse(new TextDecoder().decode(this.#inbox.subarray(0, end))) as Hub;
        this.#inbox = this.#inbox.subarray(end + 1);
        if (this.log.encoding === undefined) this.#handshake(message);
        else this.#dispatch(message);
        continue;
      }
      let length = 0;
      let at = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = this.#inbox[at++];
        if (byte === undefined) return;
        length |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      if (this.#inbox.length < at + length) return;
      const body = this.#inbox.subarray(at, at + length);
      this.#inbox = this.#inbox.subarray(at + length);
      this.#dispatch(fromMsgpack(decode(body) as unknown[]));
    }
  }

  #handshake(request: Hub): void {
    const encoding = request.protocol;
    if (encoding !== 'json' && encoding !== 'messagepack') {
      this.#write(
        `${JSON.stringify({ error: `Requested protocol '${String(encoding)}' is not available.` })}\u001e`,
      );
      return;
    }
    this.log.encoding = encoding;
    // Binary transfer format: every byte goes in binary messages, the handshake's answer too.
    const answer = `{}\u001e`;
    this.#write(encoding === 'messagepack' ? new TextEncoder().encode(answer) : answer);
  }

  #send(message: Hub): void {
    this.log.sent.push(message);
    if (this.log.encoding === 'messagepack') {
      const body = encode(toMsgpack(message));
      this.#write(Uint8Array.from([...varint(body.length), ...body]));
    } else {
      this.#write(`${JSON.stringify(message)}\u001e`);
    }
  }

  #write(data: Uint8Array | string): void {
    this.#sink?.(data);
  }

  #dispatch(message: Hub): void {
    this.log.received.push(message);
    const id = typeof message.invocationId === 'string' ? message.invocationId : undefined;
    const args = Array.isArray(message.arguments) ? (message.arguments as unknown[]) : [];
    /** `{}` for a void completion. */
    const complete = (outcome: Hub) => {
      if (id !== undefined) this.#send({ type: 3, invocationId: id, ...outcome });
    };
    if (message.type === 4 && message.target === 'Counter') {
      const count = typeof args[0] === 'number' ? args[0] : 0;
      for (let i = 0; i < count; i++) this.#send({ type: 2, invocationId: id, item: i });
      complete({});
      return;
    }
    if (message.type !== 1) return;
    switch (message.target) {
      case 'Add':
        complete({ result: Number(args[0]) + Number(args[1]) });
        return;
      case 'Fail':
        complete({ error: `Failed: ${String(args[0])}` });
        return;
      case 'Echo':
        complete({ result: args[0] });
        return;
      case 'Poke':
        this.#send({ type: 1, target: 'Poked', arguments: [args[0], 42] });
        complete({});
        return;
      default:
        complete({ error: `Unknown hub method '${String(message.target)}'` });
    }
  }
}

function varint(length: number): number[] {
  const out: number[] = [];
  let rest = length;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

/** The JSON encoding's object shape → the MessagePack array (HubProtocol.md). */
function toMsgpack(m: Hub): unknown[] {
  switch (m.type) {
    case 1:
      return [1, {}, m.invocationId ?? null, m.target, m.arguments];
    case 2:
      return [2, {}, m.invocationId, m.item];
    case 3:
      if ('error' in m) return [3, {}, m.invocationId, 1, m.error];
      if ('result' in m) return [3, {}, m.invocationId, 3, m.result];
      return [3, {}, m.invocationId, 2];
    default:
      return [m.type];
  }
}

/** A MessagePack hub message from the client → the JSON encoding's object shape. */
function fromMsgpack(a: unknown[]): Hub {
  const [type, , id, target, args, streamIds] = a;
  switch (type) {
    case 1:
    case 4: {
      const m: Hub = { type, target, arguments: args };
      if (typeof id === 'string') m.invocationId = id;
      if (Array.isArray(streamIds) && streamIds.length > 0) m.streamIds = streamIds;
      return m;
    }
    case 5:
      return { type, invocationId: id };
    case 7:
      return a[1] === null || a[1] === undefined ? { type } : { type, error: a[1] };
    default:
      return { type };
  }
}

export async function startHubServer(): Promise<HubServer> {
  const sessions = new Map<string, HubSession>();
  const logs: HubSessionLog[] = [];
  const sockets = new WebSocketServer({ noServer: true });
  const sessionOf = (url: URL) => sessions.get(url.searchParams.get('id') ?? '');

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/hub/negotiate') {
      const token = randomUUID();
      const session = new HubSession(token);
      sessions.set(token, session);
      logs.push(session.log);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          connectionId: randomUUID(),
          connectionToken: token,
          negotiateVersion: 1,
          availableTransports: [
            { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
            { transport: 'ServerSentEvents', transferFormats: ['Text'] },
            { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
          ],
        }),
      );
      return;
    }
    const session = url.pathname === '/hub' ? sessionOf(url) : undefined;
    if (session === undefined) {
      res.writeHead(404).end('No Connection with that ID');
      return;
    }
    if (req.method === 'GET' && req.headers.accept?.includes('text/event-stream') === true) {
      session.attachEventStream(res);
    } else if (req.method === 'GET') {
      session.poll(res);
    } else if (req.method === 'POST') {
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        // As ASP.NET does: the POST is answered once its body is read; the hub runs after.
        res.writeHead(200, { 'Content-Length': '0' }).end(() => {
          session.receive(new Uint8Array(Buffer.concat(parts)));
        });
      });
    } else if (req.method === 'DELETE') {
      session.end();
      res.writeHead(202, { 'Content-Length': '0' }).end();
    } else {
      res.writeHead(405).end();
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const session = sessionOf(new URL(req.url ?? '/', 'http://127.0.0.1'));
    if (session === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      session.attachWebSocket(ws);
    });
  });
  const listening = await listenLoopback(server);
  return {
    origin: `http://127.0.0.1:${String(listening.port)}`,
    sessions: logs,
    close: async () => {
      for (const session of sessions.values()) session.end();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await listening.close();
    },
  };
}
