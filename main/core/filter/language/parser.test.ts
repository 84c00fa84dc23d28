/** Tests of the shared filter language (they live in main: shared/ may import no test packages). */
import { describe, expect, it } from 'vitest';
import type { FilterAst, FilterNode } from '../../../../shared/filter/ast.ts';
import { MAX_FILTER_DEPTH, parseFilter } from '../../../../shared/filter/parser.ts';

const t = (value: string): FilterNode => ({ type: 'text', value });

function ok(text: string): FilterAst {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${JSON.stringify(result.error)}`);
  return result.filter;
}

describe('parseFilter: valid filters', () => {
  const cases: [string, FilterAst][] = [
    ['', { type: 'all' }],
    ['   \t\n', { type: 'all' }],
    ['hello', t('hello')],
    ['Hello', t('Hello')],
    ['"two words"', t('two words')],
    ['"say \\"hi\\" \\\\ \\n\\t\\u00e9"', t('say "hi" \\ \n\té')],
    ['""', t('')],
    ['12:30', t('12:30')],
    ['http://example.com/x', t('http://example.com/x')],
    ['a=b', t('a=b')],
    ['foo-bar', t('foo-bar')],
    ['a b', { type: 'and', children: [t('a'), t('b')] }],
    ['a AND b', { type: 'and', children: [t('a'), t('b')] }],
    ['a and b And c', { type: 'and', children: [t('a'), t('b'), t('c')] }],
    ['a OR b', { type: 'or', children: [t('a'), t('b')] }],
    ['a or b OR c', { type: 'or', children: [t('a'), t('b'), t('c')] }],
    ['a b OR c', { type: 'or', children: [{ type: 'and', children: [t('a'), t('b')] }, t('c')] }],
    ['a OR b c', { type: 'or', children: [t('a'), { type: 'and', children: [t('b'), t('c')] }] }],
    ['NOT a b', { type: 'and', children: [{ type: 'not', child: t('a') }, t('b')] }],
    ['not a', { type: 'not', child: t('a') }],
    ['-a', { type: 'not', child: t('a') }],
    ['NOT NOT a', { type: 'not', child: { type: 'not', child: t('a') } }],
    ['--a', { type: 'not', child: { type: 'not', child: t('a') } }],
    ['-(a OR b)', { type: 'not', child: { type: 'or', children: [t('a'), t('b')] } }],
    ['(a OR b) c', { type: 'and', children: [{ type: 'or', children: [t('a'), t('b')] }, t('c')] }],
    ['((a))', t('a')],
    ['(a b) c', { type: 'and', children: [{ type: 'and', children: [t('a'), t('b')] }, t('c')] }],
    ['NOT(a)', { type: 'not', child: t('a') }],
    ['a(b)', { type: 'and', children: [t('a'), t('b')] }],
    ['/ab+c/', { type: 'regex', source: 'ab+c', flags: '' }],
    ['/a\\/b[/]/is', { type: 'regex', source: 'a\\/b[/]', flags: 'is' }],
    ['dir:in', { type: 'dir', direction: 'in' }],
    ['dir:OUT', { type: 'dir', direction: 'out' }],
    ['dir:sent', { type: 'dir', direction: 'out' }],
    ['dir:received', { type: 'dir', direction: 'in' }],
    ['DIR:in', { type: 'dir', direction: 'in' }],
    ['kind:text', { type: 'kind', kinds: ['text'] }],
    ['kind:ping,pong', { type: 'kind', kinds: ['ping', 'pong'] }],
    ['kind:control', { type: 'kind', kinds: ['ping', 'pong', 'close'] }],
    ['kind:data,event', { type: 'kind', kinds: ['text', 'binary', 'event'] }],
    ['conn:c12', { type: 'conn', prefix: 'c12' }],
    ['size>1k', { type: 'size', measure: 'payload', op: '>', bytes: 1024 }],
    ['size<=64KiB', { type: 'size', measure: 'payload', op: '<=', bytes: 65536 }],
    ['size=0', { type: 'size', measure: 'payload', op: '=', bytes: 0 }],
    ['size:0', { type: 'size', measure: 'payload', op: '=', bytes: 0 }],
    ['size:>=2mb', { type: 'size', measure: 'payload', op: '>=', bytes: 2 * 1024 * 1024 }],
    ['size!=10b', { type: 'size', measure: 'payload', op: '!=', bytes: 10 }],
    ['size<1.5k', { type: 'size', measure: 'payload', op: '<', bytes: 1536 }],
    ['size>1G', { type: 'size', measure: 'payload', op: '>', bytes: 1024 ** 3 }],
    ['wire>100', { type: 'size', measure: 'wire', op: '>', bytes: 100 }],
    ['code:1000', { type: 'code', op: '=', code: 1000 }],
    ['code>=4000', { type: 'code', op: '>=', code: 4000 }],
    ['event:chat', { type: 'event', pattern: { type: 'text', value: 'chat' } }],
    [
      'event:/^chat\\./',
      { type: 'event', pattern: { type: 'regex', source: '^chat\\.', flags: '' } },
    ],
    ['event:"my event"', { type: 'event', pattern: { type: 'text', value: 'my event' } }],
    ['id:42', { type: 'id', pattern: { type: 'text', value: '42' } }],
    ['url:example.com', { type: 'url', pattern: { type: 'text', value: 'example.com' } }],
    ['url:/wss?:/i', { type: 'url', pattern: { type: 'regex', source: 'wss?:', flags: 'i' } }],
    ['note:invalid-utf8', { type: 'note', code: 'invalid-utf8' }],
    ['has:notes', { type: 'has', what: 'notes' }],
    ['has:Compressed', { type: 'has', what: 'compressed' }],
    ['proto:mqtt', { type: 'proto', protocol: 'mqtt' }],
    ['PROTO:SocketIO', { type: 'proto', protocol: 'socketio' }],
    ['proto:graphql-transport-ws', { type: 'proto', protocol: 'graphql-transport-ws' }],
    ['pkind:EVENT', { type: 'pkind', kind: 'EVENT' }],
    ['rpc.method:tools/call', { type: 'pfield', field: 'rpc.method', value: 'tools/call' }],
    ['RPC.Method:x', { type: 'pfield', field: 'rpc.method', value: 'x' }],
    ['sio.event:chat', { type: 'pfield', field: 'sio.event', value: 'chat' }],
    ['sio.ns:/chat', { type: 'pfield', field: 'sio.ns', value: '/chat' }],
    ['signalr.target:Send', { type: 'pfield', field: 'signalr.target', value: 'Send' }],
    ['gql.op:"On Message"', { type: 'pfield', field: 'gql.op', value: 'On Message' }],
    ['stomp.dest:/queue/a', { type: 'pfield', field: 'stomp.dest', value: '/queue/a' }],
    ['mqtt.topic:a/+/#', { type: 'pfield', field: 'mqtt.topic', value: 'a/+/#' }],
    ['rpc.error', { type: 'rpc-error' }],
    ['unanswered', { type: 'unanswered' }],
    ['Unanswered', { type: 'unanswered' }],
    ['"unanswered"', t('unanswered')],
    ['rpc.errors', t('rpc.errors')],
    ['rpc.method', t('rpc.method')],
    ['example.com:8080', t('example.com:8080')],
    ['pair.latency>500ms', { type: 'latency', op: '>', ms: 500 }],
    ['pair.latency:<=1.5s', { type: 'latency', op: '<=', ms: 1500 }],
    ['pair.latency:20', { type: 'latency', op: '=', ms: 20 }],
    ['pair.latency!=0.25MS', { type: 'latency', op: '!=', ms: 0.25 }],
    [
      '-unanswered (rpc.error OR pair.latency>1s)',
      {
        type: 'and',
        children: [
          { type: 'not', child: { type: 'unanswered' } },
          {
            type: 'or',
            children: [{ type: 'rpc-error' }, { type: 'latency', op: '>', ms: 1000 }],
          },
        ],
      },
    ],
    ['json:$', { type: 'json', path: [], test: { op: 'exists' } }],
    ['json:type', { type: 'json', path: [{ type: 'key', key: 'type' }], test: { op: 'exists' } }],
    [
      'json:$.a.b[0].c=x',
      {
        type: 'json',
        path: [
          { type: 'key', key: 'a' },
          { type: 'key', key: 'b' },
          { type: 'index', index: 0 },
          { type: 'key', key: 'c' },
        ],
        test: { op: '=', value: 'x' },
      },
    ],
    [
      'json:items[*].id=7',
      {
        type: 'json',
        path: [{ type: 'key', key: 'items' }, { type: 'wildcard' }, { type: 'key', key: 'id' }],
        test: { op: '=', value: '7' },
      },
    ],
    [
      'json:a.*.b',
      {
        type: 'json',
        path: [{ type: 'key', key: 'a' }, { type: 'wildcard' }, { type: 'key', key: 'b' }],
        test: { op: 'exists' },
      },
    ],
    [
      `json:$["weird key"]['x.y'][-1]~"Hello World"`,
      {
        type: 'json',
        path: [
          { type: 'key', key: 'weird key' },
          { type: 'key', key: 'x.y' },
          { type: 'index', index: -1 },
        ],
        test: { op: '~', value: 'Hello World' },
      },
    ],
    [
      'json:$.n>3',
      { type: 'json', path: [{ type: 'key', key: 'n' }], test: { op: '>', value: 3 } },
    ],
    [
      'json:$.n<=-1.5e3',
      { type: 'json', path: [{ type: 'key', key: 'n' }], test: { op: '<=', value: -1500 } },
    ],
    [
      'json:$.s!=""',
      { type: 'json', path: [{ type: 'key', key: 's' }], test: { op: '!=', value: '' } },
    ],
    [
      '-kind:ping,pong dir:in (json:$.type=chat OR event:chat)',
      {
        type: 'and',
        children: [
          { type: 'not', child: { type: 'kind', kinds: ['ping', 'pong'] } },
          { type: 'dir', direction: 'in' },
          {
            type: 'or',
            children: [
              {
                type: 'json',
                path: [{ type: 'key', key: 'type' }],
                test: { op: '=', value: 'chat' },
              },
              { type: 'event', pattern: { type: 'text', value: 'chat' } },
            ],
          },
        ],
      },
    ],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parseFilter(text)).toEqual({ ok: true, filter: expected });
  });
});

describe('parseFilter: errors with positions', () => {
  // [text, start, end, part of the message]
  const cases: [string, number, number, string][] = [
    ['(a', 0, 1, 'missing ")"'],
    ['x (a OR (b)', 2, 3, 'missing ")"'],
    ['a)', 1, 2, 'unmatched ")"'],
    ['()', 0, 2, 'empty parentheses'],
    ['a AND', 2, 5, 'AND needs a term after it'],
    ['a OR', 2, 4, 'OR needs a term after it'],
    ['a OR OR b', 2, 4, 'OR needs a term after it'],
    ['OR b', 0, 2, 'OR needs a term before it'],
    ['and b', 0, 3, 'AND needs a term before it'],
    ['a NOT', 2, 5, 'NOT needs a term after it'],
    ['a (NOT)', 3, 6, 'NOT needs a term after it'],
    ['a -', 2, 3, '"-" needs a term'],
    ['a - b', 2, 3, '"-" needs a term'],
    ['"abc', 0, 4, 'unterminated string'],
    ['x "a\\q"', 4, 6, 'unknown escape \\q'],
    ['"\\u12"', 1, 6, '\\u needs four hex digits'],
    ['"a"b', 3, 4, 'after a quoted string'],
    ['ab"c"', 2, 3, 'a quote inside a word'],
    ['/abc', 0, 4, 'unterminated regex'],
    ['x /a(/', 2, 6, 'invalid regex'],
    ['/a[/', 0, 4, 'unterminated regex'],
    ['/a\\', 0, 3, 'ends with a backslash'],
    ['//', 0, 2, 'empty regex'],
    ['/a/q', 3, 4, 'unknown regex flag "q"'],
    ['/a/ii', 4, 5, 'regex flag "i" repeated'],
    ['/a/uv', 4, 5, 'u and v'],
    ['/a/x', 3, 4, 'unknown regex flag'],
    ['/a/i)', 4, 5, 'unmatched ")"'],
    ['/a/$', 3, 4, 'after a regex'],
    ['knd:text', 0, 4, 'unknown field "knd:"'],
    ['a Foo:bar', 2, 6, 'unknown field "Foo:"'],
    ['kind:', 0, 5, 'kind: needs a value'],
    ['proto:cobol', 6, 11, 'unknown protocol "cobol"'],
    ['proto:', 0, 6, 'proto: needs a value'],
    ['pkind:', 0, 6, 'pkind: needs a value'],
    ['sio.evnt:chat', 0, 9, 'unknown protocol field "sio.evnt"'],
    ['rpc.error:x', 0, 10, 'unknown protocol field "rpc.error"'],
    ['rpc.method:', 0, 11, 'rpc.method: needs a value'],
    ['rpc.method=x', 0, 11, 'write rpc.method:VALUE'],
    ['mqtt.topic:a"b', 12, 13, 'a quote inside a word'],
    ['pair.latency>', 0, 13, 'pair.latency: needs a value'],
    ['pair.latency>5h', 13, 15, 'expected a latency'],
    ['pair.latency!5', 0, 12, 'expected pair.latency>'],
    ['pair.latency>9999999999999s', 13, 27, 'latency too large'],
    ['mqtt:a', 0, 5, 'unknown field "mqtt:"'],
    ['kind:foo', 5, 8, 'unknown kind "foo"'],
    ['kind:text,foo', 10, 13, 'unknown kind "foo"'],
    ['kind:text,', 9, 10, 'empty kind'],
    ['kind:,text', 5, 6, 'empty kind'],
    ['dir:up', 4, 6, 'expected dir:in or dir:out'],
    ['dir=in', 0, 4, 'write dir:VALUE'],
    ['has:wings', 4, 9, 'expected has:notes'],
    ['size>', 0, 5, 'size: needs a value'],
    ['size>1x', 5, 7, 'expected a size'],
    ['size>-1', 5, 7, 'expected a size'],
    ['wire:k', 5, 6, 'expected a size'],
    ['size!1', 0, 4, 'expected size:'],
    ['code:abc', 5, 8, 'close code'],
    ['code:70000', 5, 10, 'close code'],
    ['code:1.5', 5, 8, 'close code'],
    ['json:', 0, 5, 'json: needs a path'],
    ['json:a.', 6, 7, 'expected a key after "."'],
    ['json:a..b', 7, 8, 'expected a key after "."'],
    ['json:a[', 6, 7, 'expected an index'],
    ['json:a[x]', 7, 8, 'expected an index'],
    ['json:a[0', 6, 8, 'missing ]'],
    ['json:a]', 6, 7, 'unmatched ]'],
    ['json:a=', 6, 7, 'expected a value after ='],
    ['json:a>x', 7, 8, 'compares numbers'],
    ['json:a!x', 6, 7, 'unexpected character in a JSON path'],
    ['json:a["k', 7, 9, 'unterminated string'],
    ['event:/x', 6, 8, 'unterminated regex'],
    ['url:a"b"', 5, 6, 'a quote inside a word'],
  ];
  it.each(cases)('%j → [%i, %i) %s', (text, start, end, message) => {
    const result = parseFilter(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(message);
    expect([result.error.start, result.error.end]).toEqual([start, end]);
  });

  it('refuses nesting deeper than MAX_FILTER_DEPTH instead of overflowing the stack', () => {
    const deep = '('.repeat(MAX_FILTER_DEPTH + 1) + 'a' + ')'.repeat(MAX_FILTER_DEPTH + 1);
    const result = parseFilter(deep);
    expect(result).toMatchObject({ ok: false, error: { start: MAX_FILTER_DEPTH } });
    expect(parseFilter('-'.repeat(100_000) + 'a').ok).toBe(false);
    const fine = '('.repeat(50) + 'a' + ')'.repeat(50);
    expect(ok(fine)).toEqual(t('a'));
  });
});
