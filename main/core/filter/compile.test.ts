import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../shared/filter/parser.ts';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { compileFilter } from './compile.ts';
import { bytes, connection, entry, frame } from './test-entries.ts';

function matches(
  filter: string,
  e: Entry,
  c: Connection | undefined = connection(e.connectionId),
): boolean {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(`${filter}: ${parsed.error.message}`);
  return compileFilter(parsed.filter)(e, c);
}

/** Each filter with the entries it must match and must not match. */
function table(rows: [filter: string, yes: Entry[], no: Entry[]][]): void {
  it.each(rows)('%j', (filter, yes, no) => {
    for (const e of yes)
      expect(matches(filter, e), `${filter} should match ${JSON.stringify(e.payload)}`).toBe(true);
    for (const e of no)
      expect(matches(filter, e), `${filter} should not match ${JSON.stringify(e.payload)}`).toBe(
        false,
      );
  });
}

const hello = entry({ payload: 'Hello, World' });
const chat = entry({
  payload:
    '{"type":"chat","n":5,"user":{"name":"Ada"},"tags":["a","b"],"items":[{"id":1},{"id":2}]}',
  direction: 'out',
});
const binaryText = entry({ kind: 'binary', payload: bytes('binary Hello ünïcode') });
const binaryJunk = entry({
  kind: 'binary',
  payload: new Uint8Array([0xff, 0xfe, 0x41, 0x42, 0xc3]),
});
const binaryJson = entry({ kind: 'binary', payload: bytes('{"type":"bin"}') });
const ping = entry({ kind: 'ping', payload: new Uint8Array(0), frame: frame({ opcode: 9 }) });
const pong = entry({ kind: 'pong', payload: new Uint8Array(0), frame: frame({ opcode: 10 }) });
const close = entry({
  kind: 'close',
  payload: new Uint8Array([0x03, 0xe8, ...bytes('bye now')]),
  close: { code: 1000, reason: 'bye now', codeValid: true },
});
const close4000 = entry({
  kind: 'close',
  payload: new Uint8Array([0x0f, 0xa0]),
  close: { code: 4000, reason: '', codeValid: true },
});
const sseChat = entry({
  connectionId: 'sse-7',
  kind: 'event',
  payload: 'data line',
  sse: { event: 'chat.message', lastEventId: '42', id: '42', retry: 3000 },
});
const sseDefault = entry({
  connectionId: 'sse-7',
  kind: 'event',
  payload: '{"a":1}',
  sse: { event: 'message', lastEventId: '41' },
});
const compressed = entry({
  payload: 'zip',
  frame: frame({ rsv1: true, fragments: 3, masked: true, compressedSize: 5 }),
});
const noted = entry({
  kind: 'binary',
  payload: bytes('x'),
  notes: [{ code: 'ws.invalid-utf8', message: 'not UTF-8' }],
});
const sseNoted = entry({
  kind: 'error',
  payload: 'partial',
  notes: [{ code: 'sse.unterminated-event', message: 'cut' }],
});
const big = entry({ payload: 'x'.repeat(2048) });
const empty = entry({ payload: '' });
const lifecycle = entry({
  kind: 'lifecycle',
  lifecycle: 'open',
  payload: 'connected to ws://x',
  payloadSize: 0,
  wireSize: 0,
});

describe('compileFilter: terms', () => {
  table([
    ['hello', [hello, binaryText], [chat, ping, binaryJunk]],
    ['"hello, world"', [hello], [binaryText]],
    ['HELLO', [hello], []],
    ['ünïcode', [binaryText], [hello]],
    ['AB', [binaryJunk], [hello]],
    ['\uFFFD', [binaryJunk], [binaryText, hello]],
    ['bye', [close], [close4000]],
    ['connected', [lifecycle], []],
    ['""', [hello, empty, ping], []],
    ['/^Hello/', [hello], [binaryText]],
    ['/^hello/i', [hello], [binaryText]],
    ['/Hello/g', [hello, binaryText], [chat]],
    ['/b.e n/', [close], [hello]],
    ['dir:in', [hello], [chat]],
    ['dir:sent', [chat], [hello]],
    ['kind:text', [hello, chat], [binaryText, ping]],
    ['kind:ping,pong', [ping, pong], [hello, close]],
    ['kind:control', [ping, pong, close], [hello]],
    ['-kind:ping,pong', [hello, close], [ping, pong]],
    ['conn:sse', [sseChat], [hello]],
    ['conn:c1', [hello], [sseChat]],
    ['size>1k', [big], [hello]],
    ['size>=2k', [big], [hello]],
    ['size=0', [empty, ping], [hello]],
    ['size<=12', [hello, empty], [big]],
    ['size!=0', [hello], [empty]],
    ['wire=2', [empty], [hello]],
    ['wire>2k', [big], [hello]],
    ['code:1000', [close], [close4000, hello]],
    ['code>=4000', [close4000], [close, hello]],
    ['code!=1000', [close4000], [close, hello]],
    ['event:chat.message', [sseChat], [sseDefault, hello]],
    ['event:chat', [], [sseChat]],
    ['event:/^chat\\./', [sseChat], [sseDefault]],
    ['event:message', [sseDefault], [sseChat, hello]],
    ['id:42', [sseChat], [sseDefault, hello]],
    ['id:/^4/', [sseChat, sseDefault], [hello]],
    ['has:id', [sseChat], [sseDefault, hello]],
    ['has:retry', [sseChat], [sseDefault]],
    ['has:notes', [noted, sseNoted], [hello]],
    ['has:compressed', [compressed], [hello, ping]],
    ['has:fragmented', [compressed], [hello]],
    ['has:masked', [compressed], [hello]],
    ['note:ws.invalid-utf8', [noted], [sseNoted, hello]],
    ['note:invalid-utf8', [noted], [sseNoted]],
    ['note:INVALID-UTF8', [noted], []],
    ['note:ws', [noted], [sseNoted]],
    ['note:sse', [sseNoted], [noted]],
    ['note:utf8', [], [noted]],
  ]);
});

describe('compileFilter: json', () => {
  table([
    ['json:$', [chat, binaryJson, sseDefault], [hello, binaryJunk, empty]],
    ['json:type', [chat, binaryJson], [sseDefault, hello]],
    ['json:$.type=chat', [chat], [binaryJson, hello]],
    ['json:type=CHAT', [], [chat]],
    ['json:type!=chat', [binaryJson], [chat, sseDefault, hello]],
    ['json:type~HA', [chat], [binaryJson]],
    ['json:n=5', [chat], []],
    ['json:n=5.0', [chat], []],
    ['json:n="5"', [chat], []],
    ['json:n>3', [chat], []],
    ['json:n>5', [], [chat]],
    ['json:n<=5', [chat], []],
    ['json:type>1', [], [chat]],
    ['json:user.name=Ada', [chat], []],
    ['json:$.user="{\\"name\\":\\"Ada\\"}"', [chat], []],
    ['json:tags="[\\"a\\",\\"b\\"]"', [chat], []],
    ['json:tags="[\\"a\\", \\"b\\"]"', [], [chat]],
    ['json:user~ada', [chat], []],
    ['json:tags[0]=a', [chat], []],
    ['json:tags[-1]=b', [chat], []],
    ['json:tags[2]', [], [chat]],
    ['json:tags.1=b', [chat], []],
    ['json:items[*].id=2', [chat], []],
    ['json:items[*].id>2', [], [chat]],
    ['json:items.*.id', [chat], []],
    ['json:a=1', [sseDefault], [chat]],
  ]);

  it('matches root scalars and JSON with leading white space', () => {
    expect(matches('json:$=3', entry({ payload: ' 3 ' }))).toBe(true);
    expect(matches('json:$=null', entry({ payload: 'null' }))).toBe(true);
    expect(matches('json:$.a', entry({ payload: '\n\t {"a":0}' }))).toBe(true);
    expect(matches('json:$["weird key"]', entry({ payload: '{"weird key":false}' }))).toBe(true);
  });

  it('parses the payload once per evaluation however many json terms there are', () => {
    const parsed = parseFilter('json:type json:n>1 json:user.name~a');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const predicate = compileFilter(parsed.filter);
    const original = JSON.parse;
    let calls = 0;
    JSON.parse = ((text: string) => {
      calls++;
      return original(text) as unknown;
    }) as typeof JSON.parse;
    try {
      expect(predicate(chat)).toBe(true);
      expect(calls).toBe(1);
      expect(predicate(hello)).toBe(false);
      expect(calls).toBe(1); // "Hello…" cannot hold keys: not parsed at all
      const textOnly = compileFilter({ type: 'text', value: 'chat' });
      expect(textOnly(chat)).toBe(true);
      expect(calls).toBe(1);
    } finally {
      JSON.parse = original;
    }
  });
});

describe('compileFilter: connections and combinators', () => {
  it('matches url: against the connection and never without one', () => {
    const c = connection('c1', { url: 'wss://Example.com/socket?x=1' });
    expect(matches('url:example.COM', hello, c)).toBe(true);
    expect(matches('url:/^wss:/', hello, c)).toBe(true);
    expect(matches('url:/^ws:/', hello, c)).toBe(false);
    expect(matches('url:example', hello, undefined)).toBe(false);
    expect(matches('-url:example', hello, undefined)).toBe(true);
  });

  table([
    ['hello OR kind:ping', [hello, ping], [chat]],
    ['hello kind:binary', [binaryText], [hello]],
    ['NOT hello', [chat], [hello]],
    ['(kind:text OR kind:binary) -hello', [chat, binaryJunk], [hello, binaryText, ping]],
    ['kind:text AND (json:type=chat OR size>1k)', [chat, big], [hello]],
    ['', [hello, ping, close], []],
  ]);
});

describe('compileFilter: robustness', () => {
  it('ignores the g and y flags: the same entry matches every time', () => {
    for (const flags of ['g', 'y', 'gy']) {
      const predicate = compileFilter({ type: 'regex', source: 'Hello', flags });
      const at = entry({ payload: 'Hello' });
      expect([predicate(at), predicate(at), predicate(at)]).toEqual([true, true, true]);
    }
  });

  it('a hand-made tree with a bad regex matches nothing instead of throwing', () => {
    const predicate = compileFilter({ type: 'regex', source: '(', flags: '' });
    expect(predicate(hello)).toBe(false);
  });

  it('an entry with missing or odd fields does not throw', () => {
    const predicate = compileFilter({
      type: 'or',
      children: [
        { type: 'text', value: 'x' },
        { type: 'json', path: [{ type: 'key', key: 'a' }], test: { op: 'exists' } },
        { type: 'code', op: '=', code: 1000 },
      ],
    });
    const odd = { seq: 1, connectionId: 'c', payload: null } as unknown as Entry;
    expect(predicate(odd)).toBe(false);
  });
});
