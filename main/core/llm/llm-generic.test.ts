/**
 * Homegrown token streams: a real EventSource (undici's) through the proxy, reconnecting with
 * Last-Event-ID into a server that replays one event; a POSTed stream with its request side; a
 * mode set by the user with a JSON path.
 */
import { EventSource } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { openSseConnection } from '../connect/sse-client.ts';
import { startProxy } from '../proxy/index.ts';
import { SessionStore } from '../session/store.ts';
import { LlmStreams } from './llm-streams.ts';
import { llmSummaryRecords } from './records.ts';
import { sseBlock, streamingServer } from './test-wire.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const token = (id: number, text: string) => sseBlock({ id: String(id), data: { token: text } });

describe('generic token streams', () => {
  it('a reconnect with Last-Event-ID through the proxy is one answer; the replayed event is shown once', async () => {
    const upstream = await streamingServer((_request, index) =>
      index === 0
        ? {
            // retry in the first block: the client comes back quickly.
            blocks: [
              `retry: 20\n${token(1, 'The ')}`,
              token(2, 'quick '),
              token(3, 'brown '),
              token(4, 'fox '),
            ],
            gapMs: (i) => (i === 1 ? 300 : 3),
          }
        : {
            blocks: [
              token(4, 'fox '),
              token(5, 'jumps '),
              token(6, 'over.'),
              sseBlock({ event: 'done', data: '{}' }),
            ],
            keepOpen: true,
          },
    );
    cleanups.push(() => upstream.close());
    const store = new SessionStore({ batchIntervalMs: 1 });
    const proxy = await startProxy(store, { port: 0, target: upstream.origin });
    cleanups.push(() => proxy.close());
    const source = new EventSource(`${proxy.url}/tokens`);
    cleanups.push(() => {
      source.close();
    });
    await new Promise<void>((resolve) => {
      source.addEventListener('done', () => {
        resolve();
      });
    });
    expect(upstream.requests[1]?.headers['last-event-id']).toBe('4');

    const streams = new LlmStreams(store, { live: false, stallMs: 200 });
    const [summary, ...rest] = streams.summaries();
    expect(rest).toEqual([]);
    const ids = store.connections().map((c) => c.id);
    expect(summary?.connectionIds).toEqual(ids);
    expect(summary).toMatchObject({
      flavor: 'generic',
      text: 'The quick brown fox jumps over.',
      ending: 'complete',
      replayedEvents: 1,
    });
    expect(summary?.timing.tokensSource).toBe('deltas');
    expect(summary?.timing.deltaCount).toBe(6);
    // The 300 ms pause after "quick " is a stall at the 200 ms threshold used here (the
    // reconnect's own pause, about 20 ms, is not).
    expect(summary?.timing.stalls).toHaveLength(1);
    expect(summary?.timing.stalls[0]?.gapMs).toBeGreaterThanOrEqual(200);
    const stalled = store.get(summary?.timing.stalls[0]?.seq ?? 0);
    expect(stalled?.payload).toBe('{"token":"brown "}');
  });

  it("a POSTed stream (Ollama's shape) with its request side, read from Telltale's own client", async () => {
    const upstream = await streamingServer(() => ({
      blocks: [
        sseBlock({ data: { model: 'llama3', response: 'Hel', done: false } }),
        sseBlock({ data: { model: 'llama3', response: 'lo!', done: false } }),
        sseBlock({ data: { model: 'llama3', response: '', done: true, done_reason: 'stop' } }),
      ],
    }));
    cleanups.push(() => upstream.close());
    const store = new SessionStore({ batchIntervalMs: 1 });
    const body = JSON.stringify({
      model: 'llama3',
      stream: true,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Say hello' }, { type: 'image_url' }] },
      ],
    });
    const client = openSseConnection(store, {
      url: `${upstream.origin}/api/chat`,
      body,
      reconnect: false,
    });
    await client.done;
    const [record, ...rest] = llmSummaryRecords(store);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      type: 'llm',
      flavor: 'generic',
      model: 'llama3',
      text: 'Hello!',
      stopReason: 'stop',
      ending: 'complete',
      request: {
        model: 'llama3',
        stream: true,
        messages: [
          { role: 'system', text: 'Be brief.' },
          { role: 'user', text: 'Say hello\n[image_url]' },
        ],
        tools: [],
        parameters: { temperature: 0.2 },
      },
    });
    // The record is plain JSON: it survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('a stream nothing recognises is read once the user names its text field', () => {
    const store = new SessionStore();
    store.addConnection({
      id: 'c1',
      kind: 'sse',
      source: 'client',
      url: 'http://127.0.0.1:1/feed',
      method: 'GET',
      requestHeaders: [],
      state: 'closed',
      openedAt: 1000,
      closedAt: 1100,
      bytesOut: 0,
      bytesIn: 0,
    });
    for (const [i, piece] of ['a', 'b', 'c'].entries()) {
      store.append({
        connectionId: 'c1',
        time: 1010 + i * 10,
        direction: 'in',
        kind: 'event',
        payload: JSON.stringify({ payload: { piece } }),
        payloadSize: 20,
        wireSize: 28,
        sse: { event: 'message', lastEventId: '' },
      });
    }
    const streams = new LlmStreams(store);
    expect(streams.summaries()).toEqual([]);
    const changed: string[][] = [];
    streams.onChange((ids) => changed.push(ids));
    streams.setMode('c1', { flavor: 'generic', textPath: '$.payload.piece' });
    expect(changed).toEqual([['c1']]);
    expect(streams.summaryOf('c1')).toMatchObject({
      text: 'abc',
      ending: 'aborted',
      timing: { ttftMs: 10, durationMs: 100, deltaCount: 3, tokensPerSecond: 150 },
    });
    streams.dispose();
    store.dispose();
  });
});
