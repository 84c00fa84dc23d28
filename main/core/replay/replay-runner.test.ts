import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SessionStore } from '../session/store.ts';
import { closedPort, listenLoopback } from '../testing/loopback.ts';
import { startMockServer } from './mock-server.ts';
import { replayConnection } from './replay-runner.ts';
import type { ReplayOptions } from './replay-runner.ts';
import { sseRecording, wsRecording } from './test-recordings.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface ServerLog {
  /** What happened on the server, in order: `got X` / `sent X`, with ms since connect. */
  events: { what: string; at: number }[];
  headers: http.IncomingHttpHeaders[];
}

/**
 * The live counterpart of wsRecording(): greets, answers text in upper case (or as `answer`
 * says), answers binary with ff0001 and closes 4001. `delayMs` holds every reply back.
 */
async function liveServer(
  options: { delayMs?: number; answer?: (text: string) => string } = {},
): Promise<{ url: string; log: ServerLog }> {
  const log: ServerLog = { events: [], headers: [] };
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: true });
  wss.on('headers', (_h, req) => log.headers.push(req.headers));
  wss.on('connection', (ws) => {
    const start = performance.now();
    const note = (what: string): void => {
      log.events.push({ what, at: performance.now() - start });
    };
    const reply = (data: string | Buffer, then?: () => void): void => {
      setTimeout(() => {
        note(`sent ${typeof data === 'string' ? data : data.toString('hex')}`);
        ws.send(data);
        then?.();
      }, options.delayMs ?? 0);
    };
    reply('hello');
    ws.on('message', (data: Buffer, binary) => {
      note(`got ${binary ? data.toString('hex') : data.toString()}`);
      if (binary) {
        reply(Buffer.from([0xff, 0, 1]), () => {
          ws.close(4001, 'bye');
        });
      } else reply((options.answer ?? ((t: string) => t.toUpperCase()))(data.toString()));
    });
  });
  const listening = await listenLoopback(server);
  cleanups.push(() => {
    wss.close();
    return listening.close();
  });
  return { url: `ws://127.0.0.1:${String(listening.port)}/chat?room=1`, log };
}

async function replay(url: string, options: ReplayOptions) {
  const target = new SessionStore();
  const run = await replayConnection(
    wsRecording(),
    'ws-1',
    { url, settleMs: 500, ...options },
    target,
  );
  return { run, target };
}

const clientSide = (log: ServerLog): string[] =>
  log.events.filter((e) => e.what.startsWith('got ')).map((e) => e.what);

describe('replay, WebSocket', () => {
  it('×1 reproduces the client side with the recorded timing, as a new replay connection', async () => {
    const { url, log } = await liveServer();
    const { run, target } = await replay(url, { mode: 'timed', speed: 1 });
    expect(clientSide(log)).toEqual(['got one', 'got two', 'got 030303']);
    // Recorded at 20, 40 and 60 ms after the open.
    const got = log.events.filter((e) => e.what.startsWith('got '));
    expect(got[0]?.at ?? 0).toBeGreaterThanOrEqual(15);
    expect(got[2]?.at ?? 0).toBeGreaterThanOrEqual(55);
    expect(run.sent).toBe(3);
    expect(run.outcome).toEqual({ kind: 'closed', code: 4001, reason: 'bye' });
    expect(run.comparison).toEqual({ recorded: 4, replayed: 4, matched: 4, differences: [] });
    const connection = target.getConnection(run.connectionId);
    expect(connection).toMatchObject({ source: 'replay', replayOf: 'ws-1', state: 'closed' });
    expect(connection?.url).toBe(url);
  });

  it('×10 keeps the order and shrinks the gaps', async () => {
    const { url, log } = await liveServer();
    const { run } = await replay(url, { mode: 'timed', speed: 10 });
    expect(clientSide(log)).toEqual(['got one', 'got two', 'got 030303']);
    const got = log.events.filter((e) => e.what.startsWith('got '));
    const last = got[2]?.at ?? Infinity;
    // 55 ms recorded → 5.5 ms; Node's timers may fire up to a millisecond early.
    expect(last).toBeGreaterThanOrEqual(4);
    expect(last).toBeLessThan(55);
    expect(run.comparison.differences).toEqual([]);
  });

  it('as fast as possible sends without waiting for the replies', async () => {
    const { url, log } = await liveServer({ delayMs: 30 });
    const { run } = await replay(url, { mode: 'fast' });
    expect(clientSide(log)).toEqual(['got one', 'got two', 'got 030303']);
    // All three questions arrive before the first (delayed) answer went out.
    const order = log.events.map((e) => e.what);
    expect(order.indexOf('got 030303')).toBeLessThan(order.indexOf('sent ONE'));
    expect(run.sent).toBe(3);
  });

  it('step-on-reply sends each message after the replies that preceded it', async () => {
    const { url, log } = await liveServer({ delayMs: 20 });
    const { run } = await replay(url, { mode: 'step' });
    expect(log.events.map((e) => e.what)).toEqual([
      'sent hello',
      'got one',
      'sent ONE',
      'got two',
      'sent TWO',
      'got 030303',
      'sent ff0001',
    ]);
    expect(run.comparison.matched).toBe(4);
  });

  it('reports where the server answers differently', async () => {
    const { url } = await liveServer({ answer: (t) => (t === 'two' ? 'deux' : t.toUpperCase()) });
    const { run } = await replay(url, { mode: 'fast' });
    expect(run.comparison.matched).toBe(3);
    expect(run.comparison.differences).toEqual([
      {
        index: 2,
        kind: 'changed',
        recordedSeq: 6,
        replayedSeq: expect.any(Number) as number,
        recorded: 'TWO',
        replayed: 'deux',
      },
    ]);
  });

  it('reports missing answers when the server says less', async () => {
    const { url } = await liveServer({ delayMs: 1000 });
    const { run } = await replay(url, { mode: 'fast', settleMs: 100 });
    expect(run.comparison.replayed).toBe(0);
    expect(run.comparison.differences.map((d) => d.kind)).toEqual([
      'missing',
      'missing',
      'missing',
      'missing',
    ]);
    expect(run.outcome.kind).toBe('closed');
  });

  it('offers the recorded subprotocol and headers, not the handshake-managed ones', async () => {
    const { url, log } = await liveServer();
    const source = wsRecording({ protocol: 'chat.v2' });
    source.updateConnection('ws-1', {
      requestHeaders: [
        ['Host', 'example.test'],
        ['Sec-WebSocket-Protocol', 'chat.v2'],
        ['Sec-WebSocket-Key', 'AAAAAAAAAAAAAAAAAAAAAA=='],
        ['Authorization', 'Bearer t'],
      ],
    });
    const target = new SessionStore();
    await replayConnection(source, 'ws-1', { url, mode: 'fast', settleMs: 300 }, target);
    expect(log.headers[0]?.['sec-websocket-protocol']).toBe('chat.v2');
    expect(log.headers[0]?.authorization).toBe('Bearer t');
    expect(log.headers[0]?.['sec-websocket-key']).not.toBe('AAAAAAAAAAAAAAAAAAAAAA==');
  });

  it('replays against the mock server made from the same recording', async () => {
    const mock = await startMockServer(wsRecording(), 'ws-1', { mode: 'answer' });
    cleanups.push(() => mock.close());
    const { run } = await replay(mock.url, { mode: 'step' });
    expect(run.comparison).toMatchObject({ matched: 4, differences: [] });
    expect(run.outcome).toEqual({ kind: 'closed', code: 4001, reason: 'bye' });
  });
});

describe('replay, SSE', () => {
  it('opens the stream again and compares the events', async () => {
    const mock = await startMockServer(sseRecording(), 'sse-1', { mode: 'answer' });
    cleanups.push(() => mock.close());
    const target = new SessionStore();
    const nobody = `http://127.0.0.1:${String(await closedPort())}/stream`;
    const run = await replayConnection(
      sseRecording(),
      undefined,
      { url: nobody, settleMs: 200 },
      target,
    );
    expect(run.outcome.kind).toBe('failed');
    const again = await replayConnection(
      sseRecording(),
      'sse-1',
      { url: mock.url, settleMs: 200 },
      target,
    );
    expect(again.comparison).toEqual({ recorded: 5, replayed: 5, matched: 5, differences: [] });
    expect(target.getConnection(again.connectionId)).toMatchObject({
      replayOf: 'sse-1',
      source: 'replay',
    });
  });
});
