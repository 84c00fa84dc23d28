import { describe, expect, it } from 'vitest';
import { mqttTopicMatches, parseProtocolTerm, ProtocolFilterContext } from './protocol-filter.ts';
import { ProtocolViews } from './protocol-views.ts';
import { inn, out, sessionWith, testConnection } from './test-support.ts';

describe('protocol filter terms', () => {
  const store = sessionWith(testConnection('sio', { url: 'ws://h/socket.io/?EIO=4' }), [
    inn('0{"sid":"s"}', 0),
    out('421["chat","hi"]', 10),
    inn('431[]', 700),
    out('42/admin,["kick"]', 800),
  ]);
  sessionWith(
    testConnection('rpc', { protocol: 'jsonrpc', openedAt: 2000 }),
    [
      out('{"jsonrpc":"2.0","id":1,"method":"tools/call"}', 0),
      inn('{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"x"}}', 5),
      out('{"jsonrpc":"2.0","id":2,"method":"tools/list"}', 6),
    ],
    store,
  );
  const views = new ProtocolViews(store, { live: false });
  const seqsOf = (word: string) => {
    const term = parseProtocolTerm(word);
    if (term === undefined) throw new Error(`not a term: ${word}`);
    const context = new ProtocolFilterContext(views);
    return [...store.allEntries()].filter((e) => context.matches(term, e.seq)).map((e) => e.seq);
  };

  it('parses the documented words and refuses others', () => {
    expect(parseProtocolTerm('proto:MQTT')).toEqual({ type: 'proto', protocol: 'mqtt' });
    expect(parseProtocolTerm('pair.latency>500ms')).toEqual({ type: 'latency', op: '>', ms: 500 });
    expect(parseProtocolTerm('pair.latency<=1.5s')).toEqual({
      type: 'latency',
      op: '<=',
      ms: 1500,
    });
    expect(parseProtocolTerm('sio.event:chat')).toEqual({
      type: 'pfield',
      field: 'sio.event',
      value: 'chat',
    });
    expect(parseProtocolTerm('proto:nope')).toBeUndefined();
    expect(parseProtocolTerm('url:x')).toBeUndefined();
    expect(parseProtocolTerm('rpc.method:')).toBeUndefined();
    expect(parseProtocolTerm('unanswered OR rpc.error')).toBeUndefined();
  });

  it('matches entries by protocol, fields, errors, latency and unanswered requests', () => {
    expect(seqsOf('proto:socketio')).toEqual([1, 2, 3, 4]);
    expect(seqsOf('proto:jsonrpc')).toEqual([5, 6, 7]);
    expect(seqsOf('sio.event:chat')).toEqual([2]);
    expect(seqsOf('sio.ns:/admin')).toEqual([4]);
    expect(seqsOf('pkind:event')).toEqual([2, 4]);
    expect(seqsOf('rpc.method:tools/call')).toEqual([5]);
    expect(seqsOf('rpc.error')).toEqual([6]);
    expect(seqsOf('pair.latency>500ms')).toEqual([2, 3]);
    expect(seqsOf('pair.latency<10')).toEqual([5, 6]);
    expect(seqsOf('unanswered')).toEqual([7]);
  });

  it('MQTT topic filters follow the spec wildcards', () => {
    expect(mqttTopicMatches('a/#', 'a/b/c')).toBe(true);
    expect(mqttTopicMatches('a/#', 'a')).toBe(true);
    expect(mqttTopicMatches('a/+', 'a/b')).toBe(true);
    expect(mqttTopicMatches('a/+', 'a/b/c')).toBe(false);
    expect(mqttTopicMatches('+/b', 'x/b')).toBe(true);
    expect(mqttTopicMatches('#', '$SYS/x')).toBe(false);
    expect(mqttTopicMatches('a/b', 'a/b')).toBe(true);
    expect(mqttTopicMatches('a/b', 'a/c')).toBe(false);
  });
});
