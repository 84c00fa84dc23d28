import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportHar } from './har-export.ts';
import { importHarText, readHarSession } from './har-import.ts';
import { SessionFileError } from './ndjson-reader.ts';
import { richStore } from './test-sessions.ts';

const CHROME = join(import.meta.dirname, 'fixtures', 'chrome-devtools.har');

function ids(): () => string {
  let n = 0;
  return () => `h${++n}`;
}

function importError(text: string): SessionFileError {
  try {
    importHarText(text, 'bad.har');
  } catch (error) {
    if (error instanceof SessionFileError) return error;
    throw error;
  }
  throw new Error('expected the import to fail');
}

describe('a HAR as Chrome DevTools writes it', () => {
  it('imports every request as a connection, marked imported', async () => {
    const { store } = await readHarSession(CHROME, { newId: ids() });
    expect(store.connections().map((c) => [c.id, c.kind, c.source, c.state])).toEqual([
      ['h1', 'http', 'import', 'closed'],
      ['h2', 'ws', 'import', 'closed'],
      ['h3', 'sse', 'import', 'closed'],
      ['h4', 'http', 'import', 'failed'],
    ]);
    const page = store.getConnection('h1');
    expect(page?.openedAt).toBe(Date.parse('2024-05-02T09:15:00.100Z'));
    expect(page?.closedAt).toBe(Date.parse('2024-05-02T09:15:00.100Z') + 12.345);
    // A plain exchange's bodies become its entries (so polling transports can be dissected).
    expect(page?.response?.body).toBeUndefined();
    expect([...store.entriesOf('h1')].map((e) => [e.direction, e.kind, e.payload, e.time])).toEqual(
      [['in', 'text', '<!doctype html><p>hi</p>\n', page?.closedAt ?? 0]],
    );
    const refused = store.getConnection('h4');
    expect(refused?.error).toBe('net::ERR_CONNECTION_REFUSED');
    expect(refused?.response).toBeUndefined();
    expect(refused?.requestBody).toBeUndefined();
    expect([...store.entriesOf('h4')].map((e) => [e.direction, e.kind, e.payload])).toEqual([
      ['out', 'text', '{"q":"hello"}'],
    ]);
  });

  it('recovers every WebSocket message: direction, time, text, binary and the error', async () => {
    const { store } = await readHarSession(CHROME, { newId: ids() });
    const ws = [...store.entriesOf('h2')];
    expect(ws.map((e) => [e.direction, e.kind, e.payload, e.time])).toEqual([
      ['out', 'text', '{"op":"hello"}', 1714641300.305123 * 1000],
      ['in', 'text', '{"op":"welcome","name":"Zoë"}', 1714641300.309456 * 1000],
      ['in', 'binary', new Uint8Array([0, 1, 2, 3, 255]), 1714641300.412 * 1000],
      ['out', 'binary', new Uint8Array([104, 105]), 1714641300.5 * 1000],
      ['in', 'text', '', 1714641300.75 * 1000],
      ['in', 'error', 'Could not decode a text frame as UTF-8.', 1714641301.001 * 1000],
    ]);
    // Sizes are estimates from the payload: the smallest frame that carries it.
    expect(ws.map((e) => [e.payloadSize, e.wireSize])).toEqual([
      [14, 20],
      [30, 32],
      [5, 7],
      [2, 8],
      [0, 2],
      [39, 0],
    ]);
    const connection = store.getConnection('h2');
    expect(connection?.bytesOut).toBe(28);
    expect(connection?.bytesIn).toBe(41);
  });

  it('decodes SSE events from a text/event-stream body, with a note on their times', async () => {
    const { store, notes } = await readHarSession(CHROME, { newId: ids() });
    const opened = store.getConnection('h3')?.openedAt;
    expect([...store.entriesOf('h3')].map((e) => [e.kind, e.payload, e.sse, e.time])).toEqual([
      ['comment', 'hello', undefined, opened],
      ['event', 'one\ntwo', { event: 'tick', lastEventId: '7', id: '7', retry: 2500 }, opened],
      ['event', 'plain', { event: 'message', lastEventId: '7' }, opened],
    ]);
    expect(store.getConnection('h3')?.response?.body).toBeUndefined();
    expect(notes.map((n) => n.code)).toEqual(['har-sse-from-body', 'har-foreign']);
  });

  it('numbers entries by time across connections', async () => {
    const { store } = await readHarSession(CHROME, { newId: ids() });
    const entries = [...store.allEntries()];
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const times = entries.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('HARs of other tools', () => {
  const base = {
    startedDateTime: '2024-01-01T00:00:00.000Z',
    time: 0,
    request: { method: 'GET', url: 'wss://x/', httpVersion: 'HTTP/1.1', headers: [] },
    response: { status: 101, statusText: 'Switching Protocols', headers: [] },
  };

  it('reads HTTP Toolkit’s _webSocketClose, control opcodes and _eventSourceMessages', () => {
    const har = {
      log: {
        version: '1.2',
        entries: [
          {
            ...base,
            _resourceType: 'websocket',
            _webSocketMessages: [
              { type: 'receive', time: 1704067200.5, opcode: 9, data: 'AQ==' },
              { type: 'receive', time: 1704067201, opcode: 8, data: 'A+g=' },
              { type: 'receive', time: 1704067201, opcode: 3, data: '' },
              { type: 'receive', time: 1704067201, opcode: 2, data: 'not base64!' },
            ],
            _webSocketClose: { code: 1000, reason: 'done', timestamp: 1704067202.25 },
          },
          { ...base, _webSocketMessages: [], _webSocketClose: 'aborted' },
          {
            ...base,
            request: { ...base.request, url: 'https://x/events' },
            response: { status: 200, statusText: 'OK', headers: [] },
            _resourceType: 'eventsource',
            _eventSourceMessages: [
              { time: 1704067200.25, eventName: 'tick', eventId: '9', data: 'a\nb' },
              { time: 1704067200.75, eventName: '', eventId: null, data: 'c' },
            ],
          },
        ],
      },
    };
    const { store, notes } = importHarText(JSON.stringify(har), 'toolkit.har', { newId: ids() });
    expect([...store.entriesOf('h1')].map((e) => [e.kind, e.payload, e.close])).toEqual([
      ['ping', new Uint8Array([1]), undefined],
      ['close', new Uint8Array([3, 0xe8]), { code: 1000, reason: '', codeValid: true }],
      ['binary', new TextEncoder().encode('not base64!'), undefined],
    ]);
    expect(store.getConnection('h1')).toMatchObject({
      state: 'closed',
      closeCode: 1000,
      closeReason: 'done',
      closedAt: 1704067202250,
    });
    expect(store.getConnection('h2')?.state).toBe('aborted');
    expect(store.getConnection('h3')?.kind).toBe('sse');
    expect([...store.entriesOf('h3')].map((e) => [e.payload, e.sse, e.time])).toEqual([
      ['a\nb', { event: 'tick', lastEventId: '9' }, 1704067200250],
      ['c', { event: 'message', lastEventId: '' }, 1704067200750],
    ]);
    expect(notes.map((n) => n.code).sort()).toEqual([
      'har-foreign',
      'har-invalid-base64',
      'har-skipped-message',
    ]);
  });
});

describe('files that are not (valid) HARs', () => {
  it('names the line and column of invalid JSON', () => {
    const error = importError('{\n  "log": {\n    "entries": [1,]\n  }\n}');
    expect(error.code).toBe('invalid-json');
    expect(error.line).toBe(3);
    expect(error.message).toBe('bad.har: line 3, column 19: not valid JSON (expected a value)');
  });

  it('says where a truncated file ends', () => {
    const text = JSON.stringify(exportHar(richStore()));
    const error = importError(text.slice(0, 500));
    expect(error.code).toBe('invalid-json');
    expect(error.message).toContain('unexpected end of file: it was cut short');
  });

  it('tells valid JSON that is not a HAR apart', () => {
    expect(importError('{"type":"telltale","version":1}').message).toBe(
      'bad.har: not a HAR file (expected {"log":{"entries":[…]}}): log: Invalid input: expected object, received undefined',
    );
    expect(importError('[1,2]').code).toBe('not-a-har');
    expect(importError('{"log":{"entries":{}}}').message).toContain('log.entries: ');
  });

  it('names the field path of a malformed entry', () => {
    const har = exportHar(richStore());
    const entry = har.log.entries[2] as unknown as { request: { url: unknown } };
    entry.request.url = 42;
    const error = importError(JSON.stringify(har));
    expect(error.code).toBe('invalid-har');
    expect(error.message).toBe(
      'bad.har: log.entries[2].request.url: Invalid input: expected string, received number',
    );
  });

  it('rejects a Telltale HAR whose entry points at a missing message', () => {
    const har = exportHar(richStore());
    har.log.entries[0]?._webSocketMessages?.pop();
    expect(importError(JSON.stringify(har)).message).toBe(
      'bad.har: log.entries[0]._telltaleEntries[6].message: _webSocketMessages has no item 3',
    );
  });

  it('rejects bad base64 and duplicate seqs in a Telltale HAR, naming them', () => {
    const har = exportHar(richStore());
    const first = har.log.entries[0];
    const messages = first?._webSocketMessages ?? [];
    const binary = messages[1];
    if (binary !== undefined) binary.data = 'AAE';
    expect(importError(JSON.stringify(har)).message).toBe(
      'bad.har: _webSocketMessages[1].data: not valid base64',
    );
    const again = exportHar(richStore());
    const details = again.log.entries[1]?._telltaleEntries ?? [];
    const d = details[0];
    if (d !== undefined) d.seq = 1;
    expect(importError(JSON.stringify(again)).code).toBe('seq-not-increasing');
  });

  it('reports an unreadable file', async () => {
    await expect(readHarSession(join(import.meta.dirname, 'no-such.har'))).rejects.toMatchObject({
      code: 'unreadable',
    });
    // The fixture itself stays a valid JSON document (guards hand edits).
    const fixture: unknown = JSON.parse(await readFile(CHROME, 'utf8'));
    expect(fixture).toHaveProperty('log.entries');
  });
});
