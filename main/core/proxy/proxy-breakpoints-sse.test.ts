import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { BreakpointController } from '../replay/breakpoints.ts';
import type { PausedMessage } from '../replay/breakpoints.ts';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { testProxy } from './test-support.ts';
import type { Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function readAll(body: AsyncIterable<Buffer>, sink: string[]): Promise<void> {
  for await (const chunk of body) sink.push(chunk.toString());
}

async function setup(upstreamServer: net.Server) {
  const paused: PausedMessage[] = [];
  const breakpoints = new BreakpointController({
    timeoutMs: 5000,
    onPause: (m) => paused.push(m),
  });
  const upstream = await listenLoopback(upstreamServer);
  cleanups.push(() => upstream.close());
  const { store, proxy } = await testProxy(cleanups, {
    target: `http://127.0.0.1:${String(upstream.port)}`,
    breakpoints,
  });
  return { store, proxy, breakpoints, paused };
}

describe('breakpoints on a proxied event stream', () => {
  it('chunked: pause → edit, drop, rewrite; the client parses every event it gets', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // Events split across writes and several in one write.
      res.write('id: 1\ndata: keep\n\nid: 2\ndata: pa');
      res.write('use me\n\n: a comment\n\n');
      setTimeout(() => {
        res.write('data: drop me\n\nevent: greet\ndata: hello\r\n\r\n');
        res.end('data: tail\n\n');
      }, 20);
    });
    const s = await setup(server);
    s.breakpoints.setRules([
      { id: 'p', filter: 'pause', action: 'pause' },
      { id: 'd', filter: '"drop me"', action: 'drop' },
      { id: 'r', filter: 'event:greet', action: 'rewrite', replacement: 'bonjour' },
    ]);
    const response = await request(`${s.proxy.url}/events`);
    const received: string[] = [];
    const reading = readAll(response.body, received);
    await waitFor(() => s.paused.length === 1, 2000, 'the pause');
    await waitFor(() => received.length > 0, 2000, 'the first event');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received.join('')).toBe('id: 1\ndata: keep\n\n');
    expect(s.paused[0]).toMatchObject({ kind: 'event', payload: 'pause me', direction: 'in' });
    s.breakpoints.forward(s.paused[0]?.id ?? '', 'paused, then edited');
    await reading;
    expect(received.join('')).toBe(
      'id: 1\ndata: keep\n\n' +
        'id: 2\ndata: paused, then edited\n\n' +
        ': a comment\n\n' +
        'event: greet\ndata: bonjour\n\n' +
        'data: tail\n\n',
    );
    const id = s.store.connections()[0]?.id ?? '';
    await waitFor(() => s.store.getConnection(id)?.state === 'closed');
    const events = [...s.store.entriesOf(id)]
      .filter((e) => e.kind === 'event')
      .map((e) => [e.payload, e.intervention]);
    expect(events).toEqual([
      ['keep', undefined],
      ['paused, then edited', 'edited'],
      ['drop me', 'dropped'],
      ['bonjour', 'edited'],
      ['tail', undefined],
    ]);
  });

  it('close-delimited: a paused last event still goes before the end, an unfinished one as it came', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: a\n\ndata: hold\n\ndata: unfinished',
        );
      });
    });
    const s = await setup(server);
    s.breakpoints.setRules([{ id: 'p', filter: 'hold', action: 'pause' }]);
    const response = await request(`${s.proxy.url}/events`);
    const received: string[] = [];
    const reading = readAll(response.body, received);
    await waitFor(() => s.paused.length === 1, 2000, 'the pause');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received.join('')).toBe('data: a\n\n');
    s.breakpoints.forward(s.paused[0]?.id ?? '');
    await reading;
    expect(received.join('')).toBe('data: a\n\ndata: hold\n\ndata: unfinished');
    const id = s.store.connections()[0]?.id ?? '';
    await waitFor(() => s.store.getConnection(id)?.state === 'closed');
    const kinds = [...s.store.entriesOf(id)].map((e) => e.kind).filter((k) => k !== 'lifecycle');
    expect(kinds).toEqual(['event', 'event', 'error']);
  });

  it('injection waits behind a paused event', async () => {
    let response: http.ServerResponse | undefined;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: hold\n\n');
      response = res;
    });
    const s = await setup(server);
    s.breakpoints.setRules([{ id: 'p', filter: 'hold', action: 'pause' }]);
    const res = await request(`${s.proxy.url}/events`);
    const received: string[] = [];
    const reading = readAll(res.body, received);
    await waitFor(() => s.paused.length === 1, 2000, 'the pause');
    const [id] = s.proxy.liveConnections();
    const injected = s.proxy.inject(id ?? '', 'in', { kind: 'event', payload: 'INJ' });
    s.breakpoints.forward(s.paused[0]?.id ?? '');
    await injected;
    response?.end('data: end\n\n');
    await reading;
    expect(received.join('')).toBe('data: hold\n\ndata: INJ\n\ndata: end\n\n');
  });
});
