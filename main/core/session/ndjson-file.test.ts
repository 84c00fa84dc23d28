import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry, NewEntry } from '../../../shared/model/entry.ts';
import { serializeConnection, serializeEntry, serializeHeader } from './ndjson.ts';
import { readNdjsonSession, SessionFileError } from './ndjson-reader.ts';
import { NdjsonSessionWriter, saveNdjsonSession } from './ndjson-writer.ts';
import { SessionStore } from './store.ts';

let dir = '';
let fileCounter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-session-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
function tempFile(): string {
  fileCounter += 1;
  return join(dir, `session-${fileCounter}.ndjson`);
}

const T0 = 1_700_000_000_000.125;

function wsConnection(id: string, extra: Partial<Connection> = {}): Connection {
  return {
    id,
    kind: 'ws',
    source: 'client',
    url: `ws://127.0.0.1:9/${id}`,
    method: 'GET',
    requestHeaders: [
      ['Host', '127.0.0.1:9'],
      ['Sec-WebSocket-Protocol', 'a'],
      ['Sec-WebSocket-Protocol', 'b'],
    ],
    state: 'connecting',
    openedAt: T0,
    bytesOut: 0,
    bytesIn: 0,
    ...extra,
  };
}

const frame = {
  opcode: 1,
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  masked: true,
  fragments: 1,
};

/** A store exercising every field of the model. */
function richStore(): SessionStore {
  const store = new SessionStore();
  store.addConnection(
    wsConnection('ws-1', {
      state: 'closed',
      protocol: 'a',
      extensions: 'permessage-deflate; client_max_window_bits=15',
      response: {
        status: 101,
        statusText: 'Switching Protocols',
        headers: [
          ['Upgrade', 'websocket'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ],
      },
      closedAt: T0 + 1234.5678,
      closeCode: 1005,
      closeReason: '',
      closeInitiator: 'in',
      bytesOut: 1234,
      bytesIn: 5678,
      pingRttMs: [0.25, 1.5],
    }),
  );
  store.addConnection({
    id: 'sse-1',
    kind: 'sse',
    source: 'proxy',
    url: 'http://127.0.0.1:9/events',
    method: 'POST',
    requestHeaders: [['Accept', 'text/event-stream']],
    response: {
      status: 500,
      statusText: 'Internal Server Error',
      headers: [],
      bodyBase64: 'AP8=',
      bodyTruncated: true,
    },
    state: 'failed',
    openedAt: T0 + 0.001,
    error: 'HTTP 500',
    bytesOut: 0,
    bytesIn: 0,
  });
  store.addConnection({
    id: 'sse-2',
    kind: 'sse',
    source: 'import',
    url: 'http://127.0.0.1:9/events',
    method: 'GET',
    requestHeaders: [['Last-Event-ID', 'é-42']],
    state: 'aborted',
    openedAt: T0 + 5,
    bytesOut: 0,
    bytesIn: 99,
    resumes: 'sse-1',
  });
  const entries: NewEntry[] = [
    {
      connectionId: 'ws-1',
      time: T0 + 0.333,
      direction: 'out',
      kind: 'text',
      payload: 'héllo\n"world"\u2028\ud800',
      payloadSize: 14,
      wireSize: 20,
      frame,
    },
    {
      connectionId: 'ws-1',
      time: T0 + 1.0000001,
      direction: 'in',
      kind: 'binary',
      payload: new Uint8Array([0, 1, 2, 0xff, 0x80, 0x0a]),
      payloadSize: 6,
      wireSize: 9,
      frame: { ...frame, opcode: 2, masked: false, rsv1: true, compressedSize: 5, fragments: 3 },
      notes: [{ code: 'ws.rsv2', message: 'reserved bit 2 set' }],
    },
    {
      connectionId: 'ws-1',
      time: T0 + 2,
      direction: 'in',
      kind: 'ping',
      payload: new Uint8Array(0),
      payloadSize: 0,
      wireSize: 2,
      frame: { ...frame, opcode: 9, masked: false },
    },
    {
      connectionId: 'ws-1',
      time: T0 + 3,
      direction: 'in',
      kind: 'close',
      payload: new Uint8Array([0x03, 0xe8, 0x62]),
      payloadSize: 3,
      wireSize: 5,
      frame: { ...frame, opcode: 8, masked: false },
      close: { code: 1000, reason: 'b', codeValid: true },
    },
    {
      connectionId: 'sse-2',
      time: T0 + 6.5,
      direction: 'in',
      kind: 'event',
      payload: 'data with\nnewline',
      payloadSize: 17,
      wireSize: 40,
      sse: { event: 'update', lastEventId: 'é-43', id: 'é-43', retry: 2500 },
    },
    {
      connectionId: 'sse-2',
      time: T0 + 7,
      direction: 'in',
      kind: 'comment',
      payload: ' keep-alive',
      payloadSize: 11,
      wireSize: 13,
    },
    {
      connectionId: 'sse-2',
      time: T0 + 8,
      direction: 'in',
      kind: 'lifecycle',
      payload: 'reconnecting in 2500 ms',
      payloadSize: 23,
      wireSize: 0,
      lifecycle: 'reconnecting',
    },
    {
      connectionId: 'sse-1',
      time: T0 + 9,
      direction: 'in',
      kind: 'error',
      payload: '',
      payloadSize: 0,
      wireSize: 0,
      notes: [
        { code: 'sse.unterminated', message: 'stream ended inside an event' },
        { code: 'x', message: 'y' },
      ],
    },
  ];
  for (const e of entries) store.append(e);
  // Gaps in seq, as after an import of a filtered file.
  store.appendWithSeq({ ...entries[0], seq: 100 } as Entry);
  return store;
}

function expectSameSession(actual: SessionStore, expected: SessionStore): void {
  expect(actual.connections()).toStrictEqual(expected.connections());
  const a = [...actual.allEntries()];
  const e = [...expected.allEntries()];
  expect(a).toStrictEqual(e);
  for (const c of expected.connections()) expect(actual.countOf(c.id)).toBe(expected.countOf(c.id));
}

describe('store → file → store', () => {
  it('is exact for every field, text and binary payloads, fractional times and seq gaps', async () => {
    const path = tempFile();
    const original = richStore();
    await saveNdjsonSession(original, path, { created: T0 });
    const { header, store, notes } = await readNdjsonSession(path);
    expect(header).toEqual({ version: 1, created: T0, generator: 'telltale' });
    expect(notes).toEqual([]);
    expectSameSession(store, original);
    expect(store.get(100)?.seq).toBe(100);
    expect(store.getConnection('sse-2')?.resumes).toBe('sse-1');
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')[0]).toBe(serializeHeader(T0));
  });

  it('journals a live store: lines reach the file within 100 ms, the last connection line wins', async () => {
    const path = tempFile();
    const live = new SessionStore();
    const writer = new NdjsonSessionWriter(path, { store: live, flushIntervalMs: 50 });
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(2); // header + ''
    live.addConnection(wsConnection('c1'));
    live.append({
      connectionId: 'c1',
      time: T0,
      direction: 'out',
      kind: 'text',
      payload: 'a',
      payloadSize: 1,
      wireSize: 7,
      frame,
    });
    await new Promise((resolve) => setTimeout(resolve, 16 + 100 + 40));
    const early = await readFile(path, 'utf8');
    expect(early.trimEnd().split('\n')).toHaveLength(3);

    live.updateConnection('c1', { state: 'open' });
    live.append({
      connectionId: 'c1',
      time: T0 + 1,
      direction: 'in',
      kind: 'text',
      payload: 'b',
      payloadSize: 1,
      wireSize: 3,
      frame,
    });
    live.updateConnection('c1', { state: 'closed', closeCode: 1000, closeReason: 'done' });
    await writer.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('"type":"connection"'))).toHaveLength(2);
    const { store } = await readNdjsonSession(path);
    expect(store.getConnection('c1')).toMatchObject({ state: 'closed', closeCode: 1000 });
    expectSameSession(store, live);
    live.dispose();
  });

  it('writes an existing store’s content once, then only what follows', async () => {
    const path = tempFile();
    const live = richStore();
    const writer = new NdjsonSessionWriter(path, { store: live });
    live.append({
      connectionId: 'sse-2',
      time: T0 + 200,
      direction: 'in',
      kind: 'event',
      payload: 'later',
      payloadSize: 5,
      wireSize: 12,
      sse: { event: 'message', lastEventId: '' },
    });
    await writer.close();
    const { store } = await readNdjsonSession(path);
    expectSameSession(store, live);
    live.dispose();
  });

  it('streams a large session through bounded chunks', async () => {
    const path = tempFile();
    const big = new SessionStore();
    big.addConnection(wsConnection('c'));
    const payload = 'x'.repeat(200);
    for (let i = 0; i < 20_000; i++) {
      big.append({
        connectionId: 'c',
        time: T0 + i / 3,
        direction: i % 2 ? 'in' : 'out',
        kind: 'text',
        payload,
        payloadSize: 200,
        wireSize: 206,
        frame,
      });
    }
    await saveNdjsonSession(big, path);
    expect((await stat(path)).size).toBeGreaterThan(20_000 * 200);
    const { store } = await readNdjsonSession(path);
    expect(store.size).toBe(20_000);
    expect(store.get(20_000)?.time).toBe(T0 + 19_999 / 3);
  });
});

describe('NdjsonSessionWriter', () => {
  it('writes the header at once, owner-only, and refuses writes after close', async () => {
    const path = tempFile();
    const writer = new NdjsonSessionWriter(path, { created: 42 });
    expect(await readFile(path, 'utf8')).toBe(serializeHeader(42) + '\n');
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    writer.writeConnection(wsConnection('x'));
    const closing = writer.close();
    expect(writer.close()).toBe(closing);
    await closing;
    expect(() => {
      writer.writeConnection(wsConnection('y'));
    }).toThrow(/write after close/);
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(2);
  });

  it('fails at construction for a path that cannot be created', () => {
    expect(() => new NdjsonSessionWriter(join(dir, 'missing-dir', 'x.ndjson'))).toThrow(/ENOENT/);
  });

  it('keeps everything when the process ends right after close() resolves', async () => {
    const path = tempFile();
    const script = join(dir, 'child-close.mjs');
    const writerUrl = pathToFileURL(join(import.meta.dirname, 'ndjson-writer.ts')).href;
    const storeUrl = pathToFileURL(join(import.meta.dirname, 'store.ts')).href;
    await writeFile(
      script,
      `import { NdjsonSessionWriter } from ${JSON.stringify(writerUrl)};
       import { SessionStore } from ${JSON.stringify(storeUrl)};
       const store = new SessionStore();
       const writer = new NdjsonSessionWriter(process.argv[2], { store });
       store.addConnection({ id: 'c', kind: 'ws', source: 'client', url: 'ws://x/', method: 'GET',
         requestHeaders: [], state: 'open', openedAt: 1, bytesOut: 0, bytesIn: 0 });
       for (let i = 0; i < 5000; i++) store.append({ connectionId: 'c', time: i, direction: 'in',
         kind: 'text', payload: 'm' + i, payloadSize: 2, wireSize: 4 });
       await writer.close();
       process.kill(process.pid, 'SIGKILL');`,
    );
    const code = await runNode([script, path]);
    expect(code).toBe('SIGKILL');
    const { store, notes } = await readNdjsonSession(path);
    expect(notes).toEqual([]);
    expect(store.size).toBe(5000);
    expect(store.get(5000)?.payload).toBe('m4999');
  });

  it('leaves a readable journal when the process is killed mid-capture', async () => {
    const path = tempFile();
    const script = join(dir, 'child-kill.mjs');
    const writerUrl = pathToFileURL(join(import.meta.dirname, 'ndjson-writer.ts')).href;
    const storeUrl = pathToFileURL(join(import.meta.dirname, 'store.ts')).href;
    await writeFile(
      script,
      `import { NdjsonSessionWriter } from ${JSON.stringify(writerUrl)};
       import { SessionStore } from ${JSON.stringify(storeUrl)};
       const store = new SessionStore({ batchIntervalMs: 1 });
       new NdjsonSessionWriter(process.argv[2], { store, flushIntervalMs: 0 });
       store.addConnection({ id: 'c', kind: 'ws', source: 'client', url: 'ws://x/', method: 'GET',
         requestHeaders: [], state: 'open', openedAt: 1, bytesOut: 0, bytesIn: 0 });
       let i = 0;
       const big = 'z'.repeat(3000);
       const tick = () => {
         for (let k = 0; k < 200; k++, i++) store.append({ connectionId: 'c', time: i,
           direction: 'in', kind: 'text', payload: big + i, payloadSize: 3, wireSize: 5 });
         if (i === 2000) process.stdout.write('go\\n');
         if (i < 50000) setImmediate(tick);
       };
       tick();
       setInterval(() => {}, 1000); // stays alive until killed, however fast it writes`,
    );
    const code = await runNode([script, path], (child) => {
      child.stdout?.once('data', () => {
        setTimeout(() => child.kill('SIGKILL'), 30);
      });
    });
    expect(code).toBe('SIGKILL');
    const { store, notes } = await readNdjsonSession(path);
    expect(store.size).toBeGreaterThan(0);
    expect(notes.every((n) => n.code === 'torn-last-line')).toBe(true);
    let seq = 0;
    for (const e of store.allEntries()) expect(e.seq).toBe(++seq);
  });
});

function runNode(
  args: string[],
  onSpawn?: (child: ReturnType<typeof spawn>) => void,
): Promise<string | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    onSpawn?.(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? code);
    });
  });
}

describe('readNdjsonSession', () => {
  const header = serializeHeader(T0);
  const conn = serializeConnection(wsConnection('c1'));
  const entryLine = (seq: number, connectionId = 'c1'): string =>
    serializeEntry({
      seq,
      connectionId,
      time: T0 + seq,
      direction: 'in',
      kind: 'text',
      payload: `p${seq}`,
      payloadSize: 2,
      wireSize: 4,
    });

  async function read(content: string): ReturnType<typeof readNdjsonSession> {
    const path = tempFile();
    await writeFile(path, content);
    return readNdjsonSession(path);
  }

  async function readError(content: string): Promise<SessionFileError> {
    try {
      await read(content);
    } catch (error) {
      if (error instanceof SessionFileError) return error;
      throw error;
    }
    throw new Error('expected the read to fail');
  }

  it('skips unknown types with one note per type', async () => {
    const { store, notes } = await read(
      [
        header,
        conn,
        '{"type":"annotation","seq":1}',
        entryLine(1),
        '{"type":"annotation","seq":2}',
        '{"type":"future-kind"}',
        '{"type":"diagnostic","rule":"x"}',
        entryLine(2),
        '',
      ].join('\n'),
    );
    expect(store.size).toBe(2);
    expect(notes).toEqual([
      {
        line: 3,
        code: 'unknown-type',
        message: expect.stringContaining('"annotation"') as unknown,
      },
      {
        line: 6,
        code: 'unknown-type',
        message: expect.stringContaining('"future-kind"') as unknown,
      },
    ]);
    // Derived records (llm, diagnostic) are known and recomputed: skipped without a note.
  });

  it('skips a torn last line with a note', async () => {
    const torn = entryLine(3).slice(0, 25);
    const { store, notes } = await read(
      [header, conn, entryLine(1), entryLine(2), torn].join('\n'),
    );
    expect(store.size).toBe(2);
    expect(notes).toEqual([
      { line: 5, code: 'torn-last-line', message: expect.stringMatching(/^line 5:/) as unknown },
    ]);
  });

  it('accepts CRLF line ends, blank lines and a BOM', async () => {
    const { store } = await read(`\uFEFF${header}\r\n${conn}\r\n\r\n${entryLine(1)}\r\n`);
    expect(store.size).toBe(1);
    expect(store.connections()).toHaveLength(1);
  });

  it('keeps raw U+2028/U+2029 inside a line written by another tool', async () => {
    const raw = entryLine(1).replace('"p1"', '"a\u2028b\u2029c"');
    expect(raw).toContain('\u2028');
    const { store } = await read([header, conn, raw, ''].join('\n'));
    expect(store.get(1)?.payload).toBe('a\u2028b\u2029c');
  });

  it('keeps entries whose connection has no line, and says so', async () => {
    const { store, notes } = await read([header, entryLine(1, 'ghost'), ''].join('\n'));
    expect(store.countOf('ghost')).toBe(1);
    expect(notes).toMatchObject([{ code: 'unknown-connection' }]);
  });

  it.each([
    [
      'an invalid last line that is complete',
      () => [header, conn, '{"type":"entry"', ''].join('\n'),
      'invalid-json',
      3,
    ],
    [
      'a bad line in the middle',
      () => [header, conn, '{oops', entryLine(1), ''].join('\n'),
      'invalid-json',
      3,
    ],
    [
      'a wrong field type',
      () =>
        [header, conn, entryLine(1).replace('"direction":"in"', '"direction":1'), ''].join('\n'),
      'invalid-entry',
      3,
    ],
    ['a missing header', () => [conn, entryLine(1), ''].join('\n'), 'missing-header', 1],
    ['a header that is not JSON', () => ['telltale v1', conn, ''].join('\n'), 'invalid-json', 1],
    [
      'a newer version',
      () => ['{"type":"telltale","version":9,"created":1}', conn, ''].join('\n'),
      'unsupported-version',
      1,
    ],
    ['a second header', () => [header, conn, header, ''].join('\n'), 'duplicate-header', 3],
    [
      'a seq going back',
      () => [header, conn, entryLine(2), entryLine(2), ''].join('\n'),
      'seq-not-increasing',
      4,
    ],
    ['an empty file', () => '', 'empty-file', 0],
    ['only blank lines', () => '\n\n', 'missing-header', 1],
  ])('fails on %s, naming the line', async (_name, content, code, line) => {
    const error = await readError(content());
    expect(error.code).toBe(code);
    expect(error.line).toBe(line);
    if (line > 0) expect(error.message).toContain(`line ${line}:`);
  });

  it('names the field in a bad entry', async () => {
    const error = await readError(
      [header, conn, entryLine(1).replace('"wireSize":4', '"wireSize":"4"'), ''].join('\n'),
    );
    expect(error.message).toMatch(/line 3: entry field "wireSize"/);
  });

  it('reads the example in docs/session-format.md', async () => {
    const doc = await readFile(
      join(import.meta.dirname, '../../../docs/session-format.md'),
      'utf8',
    );
    const example = /```ndjson\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const { store, notes } = await read(example);
    expect(store.size).toBe(3);
    expect(store.getConnection('c1')).toMatchObject({ state: 'closed', closeCode: 1005 });
    expect([...(store.get(2)?.payload as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect(notes).toMatchObject([{ code: 'unknown-type', line: 6 }]);
  });

  it('reports an unreadable file as such', async () => {
    const error = await readNdjsonSession(join(dir, 'nope.ndjson')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionFileError);
    expect(error).toMatchObject({
      code: 'unreadable',
      message: expect.stringContaining('ENOENT') as unknown,
    });
  });
});
