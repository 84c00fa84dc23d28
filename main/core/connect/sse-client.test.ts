import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../../shared/model/entry.ts';
import { SessionStore } from '../session/store.ts';
import { closedPort, httpServer, listenLoopback, waitFor } from '../testing/loopback.ts';
import { openSseConnection } from './sse-client.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sseServer(
  handler: (req: IncomingMessage, res: ServerResponse, attempt: number) => void,
): Promise<string> {
  let attempt = 0;
  const listening = await listenLoopback(
    httpServer((req, res) => {
      attempt += 1;
      handler(req, res, attempt);
    }),
  );
  cleanups.push(() => listening.close());
  return `http://127.0.0.1:${listening.port}/events`;
}

const streamHead = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
};

function allEntries(store: SessionStore): Entry[] {
  return [...store.allEntries()];
}

describe('openSseConnection', () => {
  it('decodes events live as bytes arrive, carrying the last event id', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const url = await sseServer((_req, res) => {
      res.writeHead(200, streamHead);
      res.write(': keep-alive\n\nid: 7\nevent: greet\ndata: hello\ndata: world\n\n');
      void released.then(() => {
        res.end('data: after id\n\n');
      });
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url, reconnect: false });
    await handle.opened;
    // The first event is there while the server still holds the stream open.
    await waitFor(() => allEntries(store).some((e) => e.kind === 'event'), 5000, 'the first event');
    release();
    expect(await handle.done).toEqual({ kind: 'ended', reason: 'the server ended the stream' });
    const list = allEntries(store).filter((e) => e.kind === 'event' || e.kind === 'comment');
    expect(list.map((e) => [e.kind, e.payload])).toEqual([
      ['comment', 'keep-alive'],
      ['event', 'hello\nworld'],
      ['event', 'after id'],
    ]);
    expect(list[1]?.sse).toMatchObject({ event: 'greet', lastEventId: '7', id: '7' });
    expect(list[2]?.sse).toMatchObject({ event: 'message', lastEventId: '7' });
    expect(list[2]?.sse?.id).toBeUndefined();
    const connection = store.getConnection(handle.connectionId);
    expect(connection).toMatchObject({ kind: 'sse', state: 'closed', method: 'GET' });
    expect(connection?.bytesIn).toBe(
      Buffer.byteLength(
        ': keep-alive\n\nid: 7\nevent: greet\ndata: hello\ndata: world\n\ndata: after id\n\n',
      ),
    );
    expect(connection?.requestHeaders).toContainEqual(['Accept', 'text/event-stream']);
  });

  it('reconnects as EventSource does: retry delay, Last-Event-ID, a linked new connection, 204 stops', async () => {
    const seen: (string | undefined)[] = [];
    const url = await sseServer((req, res, attempt) => {
      seen.push(req.headers['last-event-id'] as string | undefined);
      if (attempt === 1) {
        res.writeHead(200, streamHead).end('retry: 30\nid: 1\ndata: first\n\n');
      } else if (attempt === 2) {
        res.writeHead(200, streamHead).end('id: 2\ndata: second\n\n');
      } else {
        res.writeHead(204).end();
      }
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url });
    const outcome = await handle.done;
    expect(outcome.kind).toBe('ended');
    expect(seen).toEqual([undefined, '1', '2']);
    const connections = store.connections();
    expect(connections).toHaveLength(3);
    expect(connections[1]?.resumes).toBe(connections[0]?.id);
    expect(connections[2]?.resumes).toBe(connections[1]?.id);
    expect(connections[2]?.response?.status).toBe(204);
    const reconnecting = allEntries(store).filter((e) => e.lifecycle === 'reconnecting');
    expect(reconnecting).toHaveLength(2);
    expect(reconnecting[0]?.payload).toBe('reconnecting in 30 ms (Last-Event-ID: 1)');
  });

  it('sends a non-ASCII last event id back as UTF-8 bytes', async () => {
    const received: Buffer[] = [];
    const url = await sseServer((req, res, attempt) => {
      const raw = req.headers['last-event-id'];
      if (typeof raw === 'string') received.push(Buffer.from(raw, 'latin1'));
      if (attempt === 1) res.writeHead(200, streamHead).end('retry: 10\nid: café-☕\ndata: x\n\n');
      else res.writeHead(204).end();
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url });
    await handle.done;
    expect(received.map((b) => b.toString('utf8'))).toEqual(['café-☕']);
  });

  it.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b), zlib.createGzip],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b), zlib.createBrotliCompress],
    ['deflate', (b: Buffer) => zlib.deflateSync(b), zlib.createDeflate],
  ] as const)('decodes a %s-encoded stream event by event', async (encoding, _whole, create) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const url = await sseServer((_req, res) => {
      res.writeHead(200, { ...streamHead, 'Content-Encoding': encoding });
      const compressor = create();
      compressor.pipe(res);
      compressor.write('data: one\n\n');
      compressor.flush(() => undefined);
      void released.then(() => {
        compressor.end('data: two\n\n');
      });
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url, reconnect: false });
    await waitFor(
      () => allEntries(store).some((e) => e.payload === 'one'),
      5000,
      'the first compressed event',
    );
    release();
    await handle.done;
    expect(
      allEntries(store)
        .filter((e) => e.kind === 'event')
        .map((e) => e.payload),
    ).toEqual(['one', 'two']);
  });

  it('POSTs a body with headers, as LLM APIs stream', async () => {
    let body = '';
    let contentType: string | undefined;
    const url = await sseServer((req, res) => {
      contentType = req.headers['content-type'];
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.writeHead(200, streamHead).end(`data: ${req.method ?? ''}\n\n`);
      });
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, {
      url,
      method: 'POST',
      body: '{"stream":true}',
      headers: [['Content-Type', 'application/json']],
      reconnect: false,
    });
    await handle.done;
    expect(body).toBe('{"stream":true}');
    expect(contentType).toBe('application/json');
    expect(allEntries(store).find((e) => e.kind === 'event')?.payload).toBe('POST');
    expect(store.connections()[0]?.method).toBe('POST');
  });

  it('records an HTTP error with its body, stated plainly, and does not reconnect', async () => {
    const url = await sseServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"overloaded"}');
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url });
    await expect(handle.opened).rejects.toThrow(
      'HTTP 500: expected 200 with Content-Type text/event-stream',
    );
    expect(await handle.done).toEqual({
      kind: 'failed',
      error: 'HTTP 500: expected 200 with Content-Type text/event-stream',
    });
    expect(store.connections()).toHaveLength(1);
    expect(store.connections()[0]?.response).toMatchObject({
      status: 500,
      body: '{"error":"overloaded"}',
    });
  });

  it('refuses a wrong content type, keeping the body', async () => {
    const url = await sseServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"not":"a stream"}');
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url });
    expect(await handle.done).toEqual({
      kind: 'failed',
      error: 'wrong Content-Type "application/json": expected text/event-stream',
    });
    expect(store.connections()[0]?.response?.body).toBe('{"not":"a stream"}');
  });

  it('reports an unterminated event at the end of the stream without dispatching it', async () => {
    const url = await sseServer((_req, res) => {
      res.writeHead(200, streamHead).end('data: complete\n\ndata: cut off');
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url, reconnect: false });
    await handle.done;
    const list = allEntries(store);
    expect(list.filter((e) => e.kind === 'event').map((e) => e.payload)).toEqual(['complete']);
    expect(list.some((e) => e.notes?.some((n) => n.code === 'sse.unterminated-event'))).toBe(true);
  });

  it('gives up plainly on a refused connection when reconnection is off', async () => {
    const port = await closedPort();
    const store = new SessionStore();
    const handle = openSseConnection(store, { url: `http://127.0.0.1:${port}/`, reconnect: false });
    expect(await handle.done).toEqual({
      kind: 'failed',
      error: `connection refused by 127.0.0.1:${port}`,
    });
  });

  it('stops when closed while waiting to reconnect', async () => {
    const url = await sseServer((_req, res) => {
      res.writeHead(200, streamHead).end('retry: 60000\ndata: once\n\n');
    });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url });
    await waitFor(() => allEntries(store).some((e) => e.lifecycle === 'reconnecting'));
    expect(await handle.close()).toEqual({ kind: 'stopped' });
  });
});
