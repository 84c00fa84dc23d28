/**
 * Protocol terms evaluated over a store whose traffic the real dissectors read (Socket.IO and
 * JSON-RPC), through queryEntries and the dissection's ProtocolFilterContext.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolFilterTerm } from '../../../shared/filter/ast.ts';
import { parseFilter } from '../../../shared/filter/parser.ts';
import { ProtocolFilterContext } from '../protocol/dissect/protocol-filter.ts';
import { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import { inn, out, sessionWith, testConnection } from '../protocol/dissect/test-support.ts';
import { compileFilter } from './compile.ts';
import type { FilterProtocolContext } from './protocol-context.ts';
import { queryEntries } from './query.ts';

function session() {
  // seq 1-6: Socket.IO over WebSocket; seq 7-10: JSON-RPC.
  const store = sessionWith(
    testConnection('sio', { url: 'ws://h/socket.io/?EIO=4&transport=websocket' }),
    [
      inn('0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}', 0),
      out('40', 1),
      inn('40{"sid":"x"}', 2),
      out('421["chat","hi"]', 10),
      inn('431["ok"]', 710),
      out('42/admin,["kick",{"user":7}]', 800),
    ],
  );
  sessionWith(
    testConnection('rpc', { protocol: 'jsonrpc', openedAt: 5000 }),
    [
      out('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}', 0),
      inn('{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no such tool"}}', 40),
      out('{"jsonrpc":"2.0","id":2,"method":"tools/list"}', 50),
      out('{"jsonrpc":"2.0","method":"notifications/initialized"}', 60),
    ],
    store,
  );
  return { store, views: new ProtocolViews(store, { live: false }) };
}

describe('protocol terms over dissected traffic', () => {
  const { store, views } = session();
  const seqs = (filter: string): number[] => {
    const result = queryEntries(store, filter, { protocols: new ProtocolFilterContext(views) });
    expect(result.error).toBeUndefined();
    return result.seqs;
  };

  it.each([
    ['proto:socketio', [1, 2, 3, 4, 5, 6]],
    ['proto:jsonrpc', [7, 8, 9, 10]],
    ['proto:mqtt', []],
    ['-proto:socketio', [7, 8, 9, 10]],
    ['sio.event:chat', [4]],
    ['sio.event:Chat', []],
    ['sio.ns:/admin', [6]],
    ['sio.event:kick sio.ns:/admin', [6]],
    ['pkind:ack', [5]],
    ['rpc.method:tools/call', [7]],
    ['rpc.method:tools/call OR rpc.error', [7, 8]],
    ['rpc.error', [8]],
    ['pkind:notification', [10]],
    ['unanswered', [9]],
    ['unanswered OR pkind:notification', [9, 10]],
    ['pair.latency>500ms', [4, 5]],
    ['pair.latency>=0.5s dir:in', [5]],
    ['pair.latency<100 proto:jsonrpc', [7, 8]],
    ['proto:jsonrpc tools', [7, 9]],
    ['"unanswered"', []],
  ] as const)('%s', (filter, expected) => {
    expect(seqs(filter)).toEqual(expected);
  });

  it('matches nothing without a protocol context, so their negation matches everything', () => {
    const all = queryEntries(store, '').total;
    expect(queryEntries(store, 'proto:socketio OR unanswered OR rpc.error').total).toBe(0);
    expect(queryEntries(store, '-proto:socketio').total).toBe(all);
  });

  it('keeps the never-throw guarantee when the context throws', () => {
    const parsed = parseFilter('unanswered OR dir:in');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const asked: ProtocolFilterTerm[] = [];
    const broken: FilterProtocolContext = {
      matches(term) {
        asked.push(term);
        throw new Error('boom');
      },
    };
    const matches = compileFilter(parsed.filter, broken);
    const [first] = store.allEntries();
    if (first === undefined) throw new Error('empty store');
    expect(matches(first)).toBe(false);
    expect(asked).toEqual([{ type: 'unanswered' }]);
  });
});
