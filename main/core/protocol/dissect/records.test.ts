import { describe, expect, it } from 'vitest';
import { ProtocolViews } from './protocol-views.ts';
import { protocolRecords } from './records.ts';
import { inn, out, sessionWith, testConnection } from './test-support.ts';

describe('protocolRecords (NDJSON export lines)', () => {
  it('one channel line, one line per annotated entry, pairs and unanswered requests', () => {
    const store = sessionWith(testConnection('c', { protocol: 'jsonrpc' }), [
      out('{"jsonrpc":"2.0","id":1,"method":"a"}', 1),
      out('{"jsonrpc":"2.0","id":2,"method":"b"}', 2),
      inn('{"jsonrpc":"2.0","id":1,"result":true}', 9),
    ]);
    const records = protocolRecords(store);
    expect(records.map((r) => r.type)).toEqual([
      'protocol-channel',
      'protocol',
      'protocol',
      'protocol',
      'pair',
      'unanswered',
    ]);
    expect(records[0]).toMatchObject({
      type: 'protocol-channel',
      connectionId: 'c',
      protocol: 'jsonrpc',
      messages: 3,
    });
    expect(records[1]).toEqual({
      type: 'protocol',
      seq: 1,
      connectionId: 'c',
      direction: 'out',
      time: 1001,
      messages: [
        {
          protocol: 'jsonrpc',
          kind: 'request',
          index: 0,
          summary: '→ a #1',
          fields: { method: 'a', id: 1 },
        },
      ],
    });
    expect(records[4]).toMatchObject({ type: 'pair', connectionId: 'c', key: '1', latencyMs: 8 });
    expect(records[5]).toMatchObject({
      type: 'unanswered',
      connectionId: 'c',
      key: '2',
      request: { seq: 2 },
    });
    // Plain JSON: what goes into the file comes back the same.
    expect(JSON.parse(JSON.stringify(records))).toEqual(records);
  });

  it('a saved user choice is applied: null leaves the connection raw', () => {
    const store = sessionWith(testConnection('c', { protocol: 'jsonrpc' }), [
      out('{"jsonrpc":"2.0","method":"n"}'),
    ]);
    expect(protocolRecords(store, new Map([['c', null]]))).toEqual([]);
  });
});

describe('a protocol chosen by the user and saved on the connection', () => {
  it('is read by a view built later (a session opened again), raw included', () => {
    const store = sessionWith(testConnection('c1', { protocolChoice: 'jsonrpc' }), [
      out('{"not":"json-rpc"}'),
    ]);
    sessionWith(
      testConnection('c2', { protocolChoice: null, protocol: 'jsonrpc' }),
      [out('{"jsonrpc":"2.0","id":1,"method":"a"}')],
      store,
    );
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels().map((c) => [c.id, c.chosenBy])).toEqual([['c1', 'user']]);
    expect(views.protocolOf('c2')).toBeUndefined();
  });
});
