import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHar } from './har-export.ts';
import { writeNdjsonFile } from './ndjson-export.ts';
import { readNdjsonSession } from './ndjson-reader.ts';
import { redactConnection, redactionPolicy, redactUrl } from './redaction.ts';
import { richConnections, richStore } from './test-sessions.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-redact-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SECRETS = ['Bearer secret', 'sid=1', 'theme=dark', 'a=1;', 'b=2;', 'k-123', 'token=abc'];

describe('redaction', () => {
  it('is on by default for Authorization, Proxy-Authorization, Cookie and Set-Cookie', () => {
    const policy = redactionPolicy();
    expect([...(policy?.headers ?? [])]).toEqual([
      'authorization',
      'proxy-authorization',
      'cookie',
      'set-cookie',
    ]);
    expect(redactionPolicy(false)).toBeUndefined();
  });

  it('redacts request and response headers and HAR cookie arrays; the file still parses', () => {
    const text = JSON.stringify(exportHar(richStore()));
    const har = JSON.parse(text) as ReturnType<typeof exportHar>;
    const ws = har.log.entries[0];
    expect(ws?.request.headers.filter((h) => h.value === '[redacted]').map((h) => h.name)).toEqual([
      'Authorization',
      'Cookie',
    ]);
    expect(ws?.request.cookies).toEqual([
      { name: 'sid', value: '[redacted]' },
      { name: 'theme', value: '[redacted]' },
    ]);
    expect(ws?.response.headers.filter((h) => h.name === 'Set-Cookie')).toEqual([
      { name: 'Set-Cookie', value: '[redacted]' },
      { name: 'Set-Cookie', value: '[redacted]' },
    ]);
    expect(ws?.response.cookies.map((c) => [c.name, c.value, c.path])).toEqual([
      ['a', '[redacted]', '/'],
      ['b', '[redacted]', undefined],
    ]);
    for (const secret of ['Bearer secret', 'sid=1', 'a=1;', 'b=2;']) {
      expect(text).not.toContain(secret);
    }
    // Not asked for: kept.
    expect(text).toContain('k-123');
    expect(text).toContain('token=abc');
  });

  it('redacts chosen headers and query parameters, in the URL and in queryString', () => {
    const har = exportHar(richStore(), {
      redact: { headers: ['X-API-KEY', 'sec-websocket-protocol'], queryParams: ['TOKEN'] },
    });
    const text = JSON.stringify(har);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const ws = har.log.entries[0];
    expect(ws?.request.url).toBe('ws://127.0.0.1:9/chat?token=[redacted]&room=a%20b#frag');
    expect(ws?.request.queryString).toEqual([
      { name: 'token', value: '[redacted]' },
      { name: 'room', value: 'a b' },
    ]);
    // The negotiated subprotocol is the same secret as its header.
    expect(ws?._telltaleConnection?.protocol).toBe('[redacted]');
    expect(new URL(ws?.request.url ?? '').searchParams.get('token')).toBe('[redacted]');
  });

  it('leaves the rest of a URL byte for byte', () => {
    const policy = redactionPolicy({ queryParams: ['k'], defaults: false, marker: 'X' });
    expect(redactUrl('http://h/p?a=%2F+b&k=1&k&K=2&kk=3#k=4', policy)).toBe(
      'http://h/p?a=%2F+b&k=X&k=X&K=X&kk=3#k=4',
    );
    expect(redactUrl('http://h/p', policy)).toBe('http://h/p');
    expect(redactUrl('http://h/p?%6B=1', policy)).toBe('http://h/p?%6B=X');
  });

  it('redacts an NDJSON export but never the original connection', async () => {
    const path = join(dir, 'shared.ndjson');
    const store = richStore();
    await writeNdjsonFile(path, store, { redact: { queryParams: ['token'] } });
    const text = await readFile(path, 'utf8');
    for (const secret of ['Bearer secret', 'sid=1', 'a=1;', 'token=abc']) {
      expect(text).not.toContain(secret);
    }
    const { store: back } = await readNdjsonSession(path);
    expect(back.getConnection('ws-1')?.requestHeaders[1]).toEqual(['Authorization', '[redacted]']);
    expect(store.getConnection('ws-1')?.requestHeaders[1]).toEqual([
      'Authorization',
      'Bearer secret',
    ]);
  });

  it('returns the same connection when there is nothing to redact', () => {
    const [ws] = richConnections();
    if (ws === undefined) throw new Error('fixture');
    expect(redactConnection(ws, undefined)).toBe(ws);
  });
});
