import { describe, expect, it } from 'vitest';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { inn, out, sessionWith, testConnection } from '../dissect/test-support.ts';
import { JSONRPC_MALFORMED } from './jsonrpc.ts';

const rpc = (value: unknown) => JSON.stringify(value);

describe('JSON-RPC 2.0', () => {
  it('requests, responses, errors and notifications, paired by id with latency', () => {
    const store = sessionWith(testConnection('c1'), [
      out(rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), 10),
      out(rpc({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x' } }), 20),
      out(rpc({ jsonrpc: '2.0', method: 'notifications/initialized' }), 25),
      inn(
        rpc({ jsonrpc: '2.0', id: 'a', error: { code: -32601, message: 'Method not found' } }),
        70,
      ),
      inn(rpc({ jsonrpc: '2.0', id: 1, result: { tools: [] } }), 110),
      out(rpc({ jsonrpc: '2.0', id: 2, method: 'ping' }), 120),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.protocolOf('c1')).toBe('jsonrpc');
    expect(views.channels()).toEqual([
      {
        id: 'c1',
        protocol: 'jsonrpc',
        chosenBy: 'sniff',
        connectionIds: ['c1'],
        messages: 6,
        malformed: 0,
        pairs: 2,
        unanswered: 1,
      },
    ]);
    const kinds = views.annotations().map((a) => a.messages.map((m) => m.kind).join());
    expect(kinds).toEqual(['request', 'request', 'notification', 'error', 'response', 'request']);
    expect(views.annotationOf(2)?.messages[0]).toMatchObject({
      summary: '→ tools/call x #"a"',
      fields: { method: 'tools/call', id: 'a', params: '{"name":"x"}', tool: 'x' },
    });
    expect(views.annotationOf(4)?.messages[0]?.fields).toMatchObject({
      errorCode: -32601,
      errorMessage: 'Method not found',
    });
    expect(views.pairs().map((p) => [p.key, p.request.seq, p.answer.seq, p.latencyMs])).toEqual([
      ['"a"', 2, 4, 50],
      ['1', 1, 5, 100],
    ]);
    expect(views.pairsOf(5)).toHaveLength(1);
    expect(views.unanswered().map((u) => [u.key, u.request.seq])).toEqual([['2', 6]]);
  });

  it('batches: each element is its own message, paired one by one; "1" and 1 are different ids', () => {
    const store = sessionWith(testConnection('c1', { protocol: 'jsonrpc' }), [
      out(
        rpc([
          { jsonrpc: '2.0', id: 1, method: 'a' },
          { jsonrpc: '2.0', id: '1', method: 'b' },
          { jsonrpc: '2.0', method: 'n' },
        ]),
      ),
      inn(
        rpc([
          { jsonrpc: '2.0', id: '1', result: 'B' },
          { jsonrpc: '2.0', id: 1, result: 'A' },
        ]),
      ),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]?.chosenBy).toBe('subprotocol');
    expect(views.annotationOf(1)?.messages.map((m) => [m.index, m.kind, m.fields.batch])).toEqual([
      [0, 'request', 3],
      [1, 'request', 3],
      [2, 'notification', 3],
    ]);
    expect(
      views.pairs().map((p) => [p.request.index, p.answer.index, p.request.seq, p.answer.seq]),
    ).toEqual([
      [1, 0, 1, 2],
      [0, 1, 1, 2],
    ]);
    expect(views.unanswered()).toEqual([]);
    expect(views.detailOf(2)?.trees).toEqual([
      { jsonrpc: '2.0', id: '1', result: 'B' },
      { jsonrpc: '2.0', id: 1, result: 'A' },
    ]);
    expect(views.detailOf(99)).toBeUndefined();
  });

  it('both peers may call each other with the same ids', () => {
    const store = sessionWith(testConnection('c1', { protocol: 'jsonrpc' }), [
      out(rpc({ jsonrpc: '2.0', id: 1, method: 'client/asks' })),
      inn(rpc({ jsonrpc: '2.0', id: 1, method: 'server/asks' })),
      out(rpc({ jsonrpc: '2.0', id: 1, result: 'to server' })),
      inn(rpc({ jsonrpc: '2.0', id: 1, result: 'to client' })),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.pairs().map((p) => [p.request.seq, p.answer.seq])).toEqual([
      [2, 3],
      [1, 4],
    ]);
  });

  it('malformed messages are annotated with a stable code; the raw entry is untouched', () => {
    const store = sessionWith(testConnection('c1', { protocol: 'jsonrpc' }), [
      out(rpc({ jsonrpc: '2.0', id: 5, method: 'ok' })),
      out('{not json'),
      out('[]'),
      out(rpc({ jsonrpc: '1.0', id: 1, method: 'a' })),
      out(rpc({ jsonrpc: '2.0', id: 1, method: 7 })),
      inn(rpc({ jsonrpc: '2.0', id: 1, result: 1, error: { code: 1, message: 'x' } })),
      inn(rpc({ jsonrpc: '2.0', id: 1, error: 'nope' })),
      inn(rpc({ jsonrpc: '2.0', id: { x: 1 }, result: 1 })),
      inn(rpc([1])),
      inn(rpc({ jsonrpc: '2.0', id: 9 })),
    ]);
    const views = new ProtocolViews(store, { live: false });
    const codes = views.annotations().map((a) => a.messages[0]?.malformed?.code);
    expect(codes).toEqual([
      undefined,
      JSONRPC_MALFORMED.notJson,
      JSONRPC_MALFORMED.emptyBatch,
      JSONRPC_MALFORMED.version,
      JSONRPC_MALFORMED.badMethod,
      JSONRPC_MALFORMED.resultAndError,
      JSONRPC_MALFORMED.badError,
      JSONRPC_MALFORMED.badId,
      JSONRPC_MALFORMED.notObject,
      JSONRPC_MALFORMED.shape,
    ]);
    expect(store.get(2)?.payload).toBe('{not json');
    expect(views.channels()[0]?.malformed).toBe(9);
  });

  it('a connection whose first messages are all malformed falls back to raw, alone', () => {
    const store = sessionWith(
      testConnection('bad', { protocol: 'jsonrpc' }),
      Array.from({ length: 10 }, () => out('hello')),
    );
    sessionWith(
      testConnection('good', { protocol: 'jsonrpc' }),
      [out(rpc({ jsonrpc: '2.0', method: 'n' }))],
      store,
    );
    const views = new ProtocolViews(store, { live: false });
    expect(views.protocolOf('bad')).toBeUndefined();
    expect(views.fallbacks()).toEqual([
      { connectionId: 'bad', protocol: 'jsonrpc', reason: 'the first 8 messages are not jsonrpc' },
    ]);
    expect(views.annotations().map((a) => a.connectionId)).toEqual(['good']);
    // The user can still insist: their choice clears the fallback.
    views.setProtocol('bad', 'jsonrpc');
    expect(views.protocolOf('bad')).toBe('jsonrpc');
  });

  it('over SSE: server messages in events are dissected (MCP streams)', () => {
    const store = sessionWith(
      testConnection('s1', { kind: 'sse', url: 'http://127.0.0.1:1/mcp' }),
      [
        inn(rpc({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info' } })),
        inn(rpc({ jsonrpc: '2.0', id: 3, result: { content: [] } })),
      ],
    );
    const views = new ProtocolViews(store, { live: false });
    expect(views.protocolOf('s1')).toBe('jsonrpc');
    expect(views.annotations().map((a) => a.messages[0]?.kind)).toEqual([
      'notification',
      'response',
    ]);
  });
});
