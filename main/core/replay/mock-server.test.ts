import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import WebSocket from 'ws';
import { openSseConnection } from '../connect/sse-client.ts';
import { fileURLToPath } from 'node:url';
import { openSessionFile } from '../session/session-file.ts';
import { SessionStore } from '../session/store.ts';
import { waitFor } from '../testing/loopback.ts';
import { startMockServer } from './mock-server.ts';
import type { MockServerHandle } from './mock-server.ts';
import { ReplayError } from './recording.ts';
import { sseRecording, wsRecording } from './test-recordings.ts';

const servers: MockServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function mock(...args: Parameters<typeof startMockServer>): Promise<MockServerHandle> {
  const server = await startMockServer(...args);
  servers.push(server);
  return server;
}

interface Received {
  messages: { text: string; binary: boolean; at: number }[];
  close: { code: number; reason: string };
}

function client(
  url: string,
  onOpen?: (ws: WebSocket) => void,
  protocol?: string,
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol === undefined ? [] : [protocol]);
    const start = performance.now();
    const messages: Received['messages'] = [];
    ws.on('open', () => onOpen?.(ws));
    ws.on('message', (data: Buffer, binary) => {
      messages.push({
        text: binary ? data.toString('hex') : data.toString(),
        binary,
        at: performance.now() - start,
      });
    });
    ws.on('error', reject);
    ws.on('close', (code, reason) => {
      resolve({ messages, close: { code, reason: reason.toString() } });
    });
  });
}

describe('mock server, WebSocket', () => {
  it('serves on the recorded path and plays the server side with its timing', async () => {
    const server = await mock(wsRecording(), undefined, { mode: 'timed' });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat\?room=1$/);
    const got = await client(server.url);
    expect(got.messages.map((m) => m.text)).toEqual(['hello', 'ONE', 'TWO', 'ff0001']);
    expect(got.messages.map((m) => m.binary)).toEqual([false, false, false, true]);
    expect(got.close).toEqual({ code: 4001, reason: 'bye' });
    // Recorded at 5, 22, 42, 62 ms: order kept, and the last one not before its offset.
    expect(got.messages[3]?.at ?? 0).toBeGreaterThanOrEqual(55);
  });

  it('answer mode: each client message releases the recorded answer', async () => {
    const server = await mock(wsRecording(), 'ws-1', { mode: 'answer' });
    const seen: string[] = [];
    const got = await client(server.url, (ws) => {
      ws.on('message', (data: Buffer, binary) => {
        seen.push(binary ? 'bin' : data.toString());
        // Ask the next question only after each answer, like a real client would.
        if (seen.length <= 3) ws.send(`q${String(seen.length)}`);
      });
    });
    expect(got.messages.map((m) => m.text)).toEqual(['hello', 'ONE', 'TWO', 'ff0001']);
    expect(got.close.code).toBe(4001);
  });

  it('answer mode sends nothing more until the client speaks', async () => {
    const server = await mock(wsRecording(), 'ws-1', { mode: 'answer' });
    const got = await client(server.url, (ws) => {
      setTimeout(() => {
        ws.close(1000);
      }, 100);
    });
    expect(got.messages.map((m) => m.text)).toEqual(['hello']);
  });

  it('accepts the recorded subprotocol and negotiates deflate when the recording had it', async () => {
    const store = wsRecording({ protocol: 'chat.v2', extensions: 'permessage-deflate' });
    const server = await mock(store, 'ws-1', { mode: 'answer' });
    const ws = new WebSocket(server.url, ['chat.v2']);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(ws.protocol).toBe('chat.v2');
    expect(ws.extensions).toContain('permessage-deflate');
    ws.terminate();
  });

  it('serves the WebSocket of a HAR saved by Chrome, picked by position or URL', async () => {
    const { store } = await openSessionFile(
      fileURLToPath(new URL('../session/fixtures/chrome-devtools.har', import.meta.url)),
    );
    for (const which of ['#1', '1', '/chat?token']) {
      const server = await mock(store, which, { mode: 'answer' });
      expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat\?token=t0k$/);
    }
    const server = await mock(store, 'chat', { mode: 'answer' });
    const got: string[] = [];
    const ws = new WebSocket(server.url);
    // The recorded client spoke first: each of its messages released the server's answers.
    ws.on('open', () => {
      ws.send('hello');
    });
    ws.on('message', (data: Buffer, binary) => {
      got.push(binary ? `bin:${data.toString('hex')}` : `text:${data.toString()}`);
      if (got.length === 2) ws.send('hi');
    });
    await waitFor(() => got.length >= 3, 2000, 'the recorded answers');
    ws.terminate();
    expect(got).toEqual(['text:{"op":"welcome","name":"Zoë"}', 'bin:00010203ff', 'text:']);
    await expect(startMockServer(store, 'nope')).rejects.toThrow(
      /#1 .*ws ws:\/\/127\.0\.0\.1:8080\/chat/,
    );
  });

  it('refuses an unknown connection id with a typed error', async () => {
    await expect(startMockServer(wsRecording(), 'nope')).rejects.toBeInstanceOf(ReplayError);
    const two = wsRecording();
    for (const c of sseRecording().connections()) two.addConnection(c);
    await expect(startMockServer(two, undefined)).rejects.toMatchObject({
      code: 'replay.ambiguous-connection',
    });
    await expect(startMockServer(new SessionStore(), undefined)).rejects.toMatchObject({
      code: 'replay.no-connection',
    });
  });
});

describe('mock server, SSE', () => {
  it('streams the recorded events with ids, types, comments and retry', async () => {
    const server = await mock(sseRecording(), undefined, { mode: 'timed' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/stream$/);
    const response = await request(server.url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(await response.body.text()).toBe(
      'id: 1\nretry: 50\ndata: first\n\n' +
        ': keep-alive\n\n' +
        'event: update\nid: 2\ndata: line a\ndata: line b\n\n' +
        'data: no id here\n\n' +
        'id: 3\ndata: {"n":3}\n\n',
    );
  });

  it('resumes after Last-Event-ID, and answers 204 when nothing is left', async () => {
    const server = await mock(sseRecording(), 'sse-1', { mode: 'answer' });
    const resumed = await request(server.url, { headers: { 'last-event-id': '2' } });
    expect(await resumed.body.text()).toBe('data: no id here\n\nid: 3\ndata: {"n":3}\n\n');
    const done = await request(server.url, { headers: { 'last-event-id': '3' } });
    expect(done.statusCode).toBe(204);
    await done.body.dump();
  });

  it('an EventSource-like client reconnects with Last-Event-ID and stops on 204', async () => {
    const server = await mock(sseRecording(), 'sse-1', { mode: 'timed' });
    const store = new SessionStore();
    const handle = openSseConnection(store, { url: server.url, initialRetryMs: 20 });
    const outcome = await handle.done;
    expect(outcome.kind).toBe('ended');
    const connections = store.connections();
    expect(connections).toHaveLength(2);
    const second = connections[1];
    expect(second?.requestHeaders).toContainEqual(['Last-Event-ID', '3']);
    expect(second?.response?.status).toBe(204);
    const first = connections[0];
    const events = [...store.entriesOf(first?.id ?? '')].filter((e) => e.kind === 'event');
    expect(events.map((e) => [e.payload, e.sse?.event, e.sse?.lastEventId])).toEqual([
      ['first', 'message', '1'],
      ['line a\nline b', 'update', '2'],
      ['no id here', 'message', '2'],
      ['{"n":3}', 'message', '3'],
    ]);
  });
});
