import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHar, writeHarFile } from './har-export.ts';
import { importHarText, readHarSession } from './har-import.ts';
import type { TelltaleHarEntry } from './har-types.ts';
import { writeNdjsonFile } from './ndjson-export.ts';
import { readNdjsonSession } from './ndjson-reader.ts';
import { SessionStore } from './store.ts';
import { expectSameSession, richStore, T0 } from './test-sessions.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-har-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entryFor(har: ReturnType<typeof exportHar>, id: string): TelltaleHarEntry {
  const found = har.log.entries.find((e) => e._telltaleConnection?.id === id);
  if (found === undefined) throw new Error(`no HAR entry for ${id}`);
  return found;
}

describe('HAR export: the shape', () => {
  const har = exportHar(richStore(), { redact: false, created: T0 });

  it('is HAR 1.2 with one entry per connection, in connection order', () => {
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('Telltale');
    expect(har.log._telltale).toEqual({ version: 1, created: T0 });
    expect(har.log.entries.map((e) => e._telltaleConnection?.id)).toEqual([
      'ws-1',
      'ws-2',
      'sse-1',
      'sse-2',
      'http-1',
      'ws-3',
    ]);
  });

  it('writes WebSocket data messages and errors exactly in Chrome DevTools’ shape', () => {
    const ws = entryFor(har, 'ws-1');
    expect(ws._resourceType).toBe('websocket');
    expect(ws.startedDateTime).toBe(new Date(T0).toISOString());
    expect(ws._webSocketMessages).toEqual([
      { type: 'send', time: (T0 + 0.333) / 1000, opcode: 1, data: 'héllo\n"world"\u2028\ud800' },
      { type: 'receive', time: (T0 + 1.0000001) / 1000, opcode: 2, data: 'AAEC/4AK' },
      {
        type: 'error',
        time: (T0 + 2.75) / 1000,
        opcode: -1,
        data: 'invalid UTF-8 in a text message',
      },
      { type: 'send', time: (T0 + 50) / 1000, opcode: 1, data: 'héllo\n"world"\u2028\ud800' },
    ]);
    for (const m of ws._webSocketMessages ?? []) {
      expect(Object.keys(m)).toEqual(['type', 'time', 'opcode', 'data']);
    }
  });

  it('writes the close as _webSocketClose, or "aborted" without a close frame', () => {
    expect(entryFor(har, 'ws-1')._webSocketClose).toEqual({
      code: 1000,
      reason: 'bye ✓',
      timestamp: (T0 + 1234.5678) / 1000,
    });
    expect(entryFor(har, 'ws-2')._webSocketClose).toBe('aborted');
    // A handshake that failed never was a WebSocket: no close to speak of.
    expect(entryFor(har, 'ws-3')._webSocketClose).toBeUndefined();
    expect(entryFor(har, 'ws-3').response.status).toBe(0);
    expect(entryFor(har, 'ws-3').response._error).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('keeps control frames, frame detail, sizes and notes in _telltaleEntries', () => {
    const details = entryFor(har, 'ws-1')._telltaleEntries ?? [];
    expect(details.map((d) => [d.seq, d.kind, d.message, d.payload])).toEqual([
      [1, 'text', 0, undefined],
      [2, 'binary', 1, undefined],
      [3, 'ping', undefined, ''],
      [4, 'pong', undefined, 'Bw=='],
      [5, 'error', 2, undefined],
      [6, 'close', undefined, 'A+hi'],
      [100, 'text', 3, undefined],
    ]);
    expect(details[1]).toMatchObject({
      time: T0 + 1.0000001,
      payloadSize: 6,
      wireSize: 9,
      frame: { opcode: 2, rsv1: true, compressedSize: 5, fragments: 3 },
      notes: [{ code: 'ws.rsv2', message: 'reserved bit 2 set' }],
    });
    expect(details[5]).toMatchObject({
      payloadEncoding: 'base64',
      close: { code: 1000, reason: 'b', codeValid: true },
    });
  });

  it('writes SSE events as _eventSourceMessages, comments, and the last retry', () => {
    const sse = entryFor(har, 'sse-2');
    expect(sse._resourceType).toBe('eventsource');
    expect(sse._eventSourceMessages).toEqual([
      { time: (T0 + 6.5) / 1000, eventName: 'update', eventId: 'é-43', data: 'data with\nnewline' },
      { time: (T0 + 7.5) / 1000, eventName: 'message', eventId: 'é-43', data: '' },
    ]);
    expect(sse._eventSourceComments).toEqual([{ time: (T0 + 7) / 1000, data: 'keep-alive' }]);
    expect(sse._retry).toBe(3000);
    expect(sse.request.postData).toEqual({
      mimeType: 'application/json',
      text: '{"prompt":"hi"}',
    });
    expect(sse.request.bodySize).toBe(15);
    const failed = entryFor(har, 'sse-1');
    expect(failed.request.postData).toEqual({
      mimeType: 'application/octet-stream',
      text: 'AP8=',
      _encoding: 'base64',
    });
    expect(failed.response.content).toEqual({
      size: 2,
      mimeType: 'text/plain',
      text: 'AP8=',
      encoding: 'base64',
    });
    // The unterminated tail is not an EventSource message: it stays Telltale's.
    expect(failed._eventSourceMessages).toEqual([]);
  });

  it('writes plain HTTP as an ordinary entry with query string, cookies and redirect', () => {
    const http = entryFor(har, 'http-1');
    expect(http._resourceType).toBeUndefined();
    expect(http._webSocketMessages).toBeUndefined();
    expect(http.request.queryString).toEqual([{ name: 'q', value: '1' }]);
    expect(http.response.redirectURL).toBe('/elsewhere');
    expect(http.response.content).toEqual({
      size: 11,
      mimeType: 'application/json',
      text: '{"ok":true}',
    });
    expect(http.time).toBe(1);
    const ws = entryFor(har, 'ws-1');
    expect(ws.request.cookies).toEqual([
      { name: 'sid', value: '1' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(ws.response.cookies).toEqual([
      { name: 'a', value: '1', path: '/', httpOnly: true },
      { name: 'b', value: '2', domain: 'example.test', secure: true },
    ]);
    expect(ws.request.queryString).toEqual([
      { name: 'token', value: 'abc' },
      { name: 'room', value: 'a b' },
    ]);
  });
});

describe('round trips', () => {
  it('store → HAR → store keeps every field of every connection and entry', () => {
    const original = richStore();
    const text = JSON.stringify(exportHar(original, { redact: false, created: T0 }));
    const back = importHarText(text, 'x.har', { markImported: false });
    expect(back.notes).toEqual([]);
    expect(back.created).toBe(T0);
    expectSameSession(back.store, original);
  });

  it('marks connections imported by default, and keeps ids and seqs', () => {
    const original = richStore();
    const back = importHarText(JSON.stringify(exportHar(original, { redact: false })), 'x.har');
    expect(back.store.connections().map((c) => c.source)).toEqual(Array(6).fill('import'));
    expect(back.store.connections().map((c) => c.id)).toEqual(
      original.connections().map((c) => c.id),
    );
    expect([...back.store.allEntries()].map((e) => e.seq)).toEqual(
      [...original.allEntries()].map((e) => e.seq),
    );
  });

  it('NDJSON → HAR → NDJSON gives the same file', async () => {
    const first = join(dir, 'first.ndjson');
    const har = join(dir, 'middle.har');
    const last = join(dir, 'last.ndjson');
    await writeNdjsonFile(first, richStore(), { redact: false, created: T0 });
    const a = await readNdjsonSession(first);
    await writeHarFile(har, a.store, { redact: false, created: a.header.created });
    const b = await readHarSession(har, { markImported: false });
    await writeNdjsonFile(last, b.store, { redact: false, created: b.created ?? 0 });
    expect(await readFile(last, 'utf8')).toBe(await readFile(first, 'utf8'));
  });

  it('the streamed file and the in-memory export are the same JSON', async () => {
    const path = join(dir, 'streamed.har');
    const store = richStore();
    const summary = await writeHarFile(path, store, { created: T0 });
    expect(summary).toEqual({ connections: 6, entries: 14 });
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(exportHar(store, { created: T0 })));
  });

  it('streams a connection with many messages in bounded chunks', async () => {
    const store = new SessionStore();
    store.addConnection({
      id: 'big',
      kind: 'ws',
      source: 'client',
      url: 'ws://x/',
      method: 'GET',
      requestHeaders: [],
      state: 'open',
      openedAt: T0,
      bytesOut: 0,
      bytesIn: 0,
    });
    const payload = 'x'.repeat(300);
    for (let i = 0; i < 20_000; i++) {
      store.append({
        connectionId: 'big',
        time: T0 + i,
        direction: i % 2 === 0 ? 'out' : 'in',
        kind: 'text',
        payload,
        payloadSize: 300,
        wireSize: 304,
      });
    }
    const path = join(dir, 'big.har');
    await writeHarFile(path, store);
    const back = await readHarSession(path, { markImported: false });
    expectSameSession(back.store, store);
  });
});

describe('filtered export', () => {
  it('exports only the chosen connections', () => {
    const har = exportHar(richStore(), { selection: { connectionIds: ['sse-2', 'http-1'] } });
    expect(har.log.entries.map((e) => e._telltaleConnection?.id)).toEqual(['sse-2', 'http-1']);
  });

  it('exports only matching entries, and only connections with a match', () => {
    const har = exportHar(richStore(), {
      selection: { entryFilter: (entry) => entry.kind === 'text' },
    });
    // ws-3 and http-1 had no entries at all, so a filter cannot exclude them.
    expect(har.log.entries.map((e) => e._telltaleConnection?.id)).toEqual([
      'ws-1',
      'ws-2',
      'http-1',
      'ws-3',
    ]);
    const ws1 = entryFor(har, 'ws-1');
    expect(ws1._telltaleEntries?.map((d) => [d.seq, d.message])).toEqual([
      [1, 0],
      [100, 1],
    ]);
    expect(ws1._webSocketMessages).toHaveLength(2);
  });

  it('passes the connection to the predicate, and imports back with the same seqs', () => {
    const store = richStore();
    const har = exportHar(store, {
      redact: false,
      selection: {
        connectionIds: ['ws-1', 'sse-2'],
        entryFilter: (entry, connection) => connection.kind === 'sse' || entry.seq > 5,
      },
    });
    const back = importHarText(JSON.stringify(har), 'f.har', { markImported: false });
    expect([...back.store.allEntries()].map((e) => e.seq)).toEqual([6, 9, 10, 11, 12, 100]);
  });
});
