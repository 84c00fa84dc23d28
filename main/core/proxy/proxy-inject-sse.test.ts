import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { testProxy } from './test-support.ts';
import type { Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Writes what `steps` say when the test says so, then ends the body. */
function controlledStream() {
  let response: http.ServerResponse | undefined;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    response = res;
  });
  return {
    server,
    write: (text: string) => response?.write(text),
    end: () => response?.end(),
    ready: () => response !== undefined,
  };
}

async function readAll(body: AsyncIterable<Buffer>, sink: string[]): Promise<void> {
  for await (const chunk of body) sink.push(chunk.toString());
}

describe('injection into a proxied event stream', () => {
  it('chunked: an event goes in at an event boundary, never inside an event', async () => {
    const stream = controlledStream();
    const upstream = await listenLoopback(stream.server);
    cleanups.push(() => upstream.close());
    const { store, proxy } = await testProxy(cleanups, {
      target: `http://127.0.0.1:${String(upstream.port)}`,
    });
    const response = await request(`${proxy.url}/events`);
    const received: string[] = [];
    const reading = readAll(response.body, received);
    await waitFor(stream.ready);
    const [id] = proxy.liveConnections();
    expect(id).toBeDefined();
    stream.write('data: one\n\n');
    await waitFor(() => received.join('').includes('one'));
    // Idle at a boundary: it goes at once.
    await proxy.inject(id ?? '', 'in', { kind: 'event', payload: 'first injected', id: 'i1' });
    // Mid-event: it waits for the blank line.
    stream.write('data: part');
    await waitFor(() => received.join('').includes('part'));
    let done = false;
    const second = proxy
      .inject(id ?? '', 'in', { kind: 'event', payload: 'two\nlines', event: 'note' })
      .then(() => (done = true));
    stream.write('ial\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    // The blank line comes inside this chunk: the upstream's chunks are never split, so the
    // event goes after the chunk, the first place that is both a chunk and an event boundary.
    stream.write('\ndata: three\n\n');
    await second;
    stream.write('data: four\n\n');
    stream.end();
    await reading;
    expect(received.join('')).toBe(
      'data: one\n\n' +
        'id: i1\ndata: first injected\n\n' +
        'data: partial\n\n' +
        'data: three\n\n' +
        'event: note\ndata: two\ndata: lines\n\n' +
        'data: four\n\n',
    );
    await waitFor(() => store.getConnection(id ?? '')?.state === 'closed');
    const events = [...store.entriesOf(id ?? '')].filter((e) => e.kind === 'event');
    expect(events.map((e) => [e.payload, e.intervention])).toEqual([
      ['one', undefined],
      ['first injected', 'injected'],
      ['partial', undefined],
      ['three', undefined],
      ['two\nlines', 'injected'],
      ['four', undefined],
    ]);
  });

  it('close-delimited: injected between events within one upstream chunk', async () => {
    let socket: net.Socket | undefined;
    const server = net.createServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n');
        s.write('data: a');
        socket = s;
      });
    });
    const upstream = await listenLoopback(server);
    cleanups.push(() => upstream.close());
    const { proxy } = await testProxy(cleanups, {
      target: `http://127.0.0.1:${String(upstream.port)}`,
    });
    const response = await request(`${proxy.url}/events`);
    const received: string[] = [];
    const reading = readAll(response.body, received);
    await waitFor(() => received.join('').includes('data: a'));
    const [id] = proxy.liveConnections();
    const injected = proxy.inject(id ?? '', 'in', { kind: 'event', payload: 'X' });
    socket?.end('\n\ndata: b\n\ndata: c\n\n');
    await injected;
    await reading;
    expect(received.join('')).toBe('data: a\n\ndata: X\n\ndata: b\n\ndata: c\n\n');
  });

  it('refuses a content-encoded or Content-Length stream and a WebSocket message', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Content-Length': '100' });
      res.write('data: x\n\n');
    });
    const upstream = await listenLoopback(server);
    cleanups.push(() => upstream.close());
    const { proxy } = await testProxy(cleanups, {
      target: `http://127.0.0.1:${String(upstream.port)}`,
    });
    const response = await request(`${proxy.url}/events`);
    const received: string[] = [];
    void readAll(response.body, received).catch(() => undefined);
    await waitFor(() => proxy.liveConnections().length === 1);
    const [id] = proxy.liveConnections();
    await expect(
      proxy.inject(id ?? '', 'in', { kind: 'event', payload: 'X' }),
    ).rejects.toMatchObject({ code: 'inject.not-possible' });
    await expect(
      proxy.inject(id ?? '', 'in', { kind: 'text', payload: 'X' }),
    ).rejects.toMatchObject({ code: 'inject.wrong-kind' });
    await expect(
      proxy.inject(id ?? '', 'out', { kind: 'event', payload: 'X' }),
    ).rejects.toMatchObject({ code: 'inject.wrong-kind' });
    response.body.destroy();
  });
});
