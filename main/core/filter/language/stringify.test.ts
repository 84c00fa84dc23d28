/** Tests of the shared filter language (they live in main: shared/ may import no test packages). */
import { describe, expect, it } from 'vitest';
import type { FilterAst } from '../../../../shared/filter/ast.ts';
import { describeFilter, formatBytes } from '../../../../shared/filter/describe.ts';
import { parseFilter } from '../../../../shared/filter/parser.ts';
import { stringifyFilter } from '../../../../shared/filter/stringify.ts';

function parsed(text: string): FilterAst {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.filter;
}

describe('stringifyFilter', () => {
  it.each([
    ['', ''],
    ['hello   world', 'hello world'],
    ['a and b or c', 'a b OR c'],
    ['a AND (b OR c)', 'a (b OR c)'],
    ['(a OR b) OR c', '(a OR b) OR c'],
    ['NOT (a b)', '-(a b)'],
    ['not not x', '--x'],
    ['"and"', '"and"'],
    ['"-x"', '"-x"'],
    ['"kind:text"', '"kind:text"'],
    ['"a b"', '"a b"'],
    ['"size>1"', '"size>1"'],
    ['"tab\\there"', '"tab\\there"'],
    ['"\\u0001"', '"\\u0001"'],
    ['dir:received', 'dir:in'],
    ['KIND:Data', 'kind:text,binary'],
    ['size:1k', 'size=1024'],
    ['size:>1.5k', 'size>1536'],
    ['code:1000', 'code:1000'],
    ['code>=4000', 'code>=4000'],
    ['event:"a b"', 'event:"a b"'],
    ['url:/x/i', 'url:/x/i'],
    ['json:a.b[0]=1', 'json:$.a.b[0]=1'],
    ['json:items[*].id', 'json:$.items[*].id'],
    ['json:[\'x y\']~"a b"', 'json:$["x y"]~"a b"'],
    ['json:$.n>=1e3', 'json:$.n>=1000'],
    ['PROTO:MQTT', 'proto:mqtt'],
    ['RPC.METHOD:tools/call', 'rpc.method:tools/call'],
    ['sio.ns:/chat', 'sio.ns:/chat'],
    ['gql.op:"a b"', 'gql.op:"a b"'],
    ['mqtt.topic:""', 'mqtt.topic:""'],
    ['pkind:EVENT', 'pkind:EVENT'],
    ['Rpc.Error unanswered', 'rpc.error unanswered'],
    ['"unanswered" "RPC.error"', '"unanswered" "RPC.error"'],
    ['pair.latency:1.5s', 'pair.latency=1500ms'],
    ['pair.latency>250', 'pair.latency>250ms'],
  ])('%j → %j', (text, expected) => {
    expect(stringifyFilter(parsed(text))).toBe(expected);
  });
});

describe('describeFilter', () => {
  it('reads filters in words', () => {
    expect(describeFilter(parsed(''))).toBe('everything');
    expect(describeFilter(parsed('-kind:ping,pong dir:in size>1k'))).toBe(
      'not kind ping or pong and received (toward the client) and payload over 1 KiB',
    );
    expect(describeFilter(parsed('(a OR b) json:$.type=chat'))).toBe(
      '(text contains "a" or text contains "b") and JSON $.type is chat',
    );
    expect(describeFilter(parsed('json:$'))).toBe('payload is JSON');
    expect(describeFilter(parsed('proto:mqtt mqtt.topic:a/# -unanswered'))).toBe(
      'protocol mqtt and MQTT topic matches "a/#" and not unanswered request',
    );
    expect(describeFilter(parsed('rpc.error OR pair.latency>=1s OR sio.event:chat'))).toBe(
      'JSON-RPC error or pair latency at least 1000 ms or sio.event is "chat"',
    );
  });

  it('formats byte counts in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1000)).toBe('1000 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(65536)).toBe('64 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB');
  });
});
