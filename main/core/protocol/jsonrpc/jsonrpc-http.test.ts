import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../../shared/model/connection.ts';
import type { NewEntry } from '../../../../shared/model/entry.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { testConnection } from '../dissect/test-support.ts';
import { SessionStore } from '../../session/store.ts';

const rpc = (value: unknown): string => JSON.stringify(value);

/** Entries as the proxy records them: HTTP bodies as text, SSE events with their names. */
function body(connectionId: string, direction: 'out' | 'in', text: string, time: number): NewEntry {
  const size = Buffer.byteLength(text);
  return {
    connectionId,
    time,
    direction,
    kind: 'text',
    payload: text,
    payloadSize: size,
    wireSize: size,
  };
}

function event(connectionId: string, name: string, data: string, time: number): NewEntry {
  const size = Buffer.byteLength(data);
  return {
    connectionId,
    time,
    direction: 'in',
    kind: 'event',
    payload: data,
    payloadSize: size,
    wireSize: size + 8,
    sse: { event: name, lastEventId: '' },
  };
}

function http(id: string, patch: Partial<Connection>): Connection {
  return testConnection(id, {
    kind: 'http',
    method: 'POST',
    url: 'http://127.0.0.1:1/mcp',
    ...patch,
  });
}

const ok = (headers: [string, string][] = []) => ({ status: 200, statusText: 'OK', headers });

describe('JSON-RPC over plain HTTP', () => {
  it('pairs a POSTed request with the response body, and a batch element by element', () => {
    const store = new SessionStore();
    store.addConnection(http('p1', { response: ok([['Content-Type', 'application/json']]) }));
    store.append(
      body('p1', 'out', rpc({ jsonrpc: '2.0', id: 7, method: 'sum', params: [1, 2] }), 1001),
    );
    store.append(body('p1', 'in', rpc({ jsonrpc: '2.0', id: 7, result: 3 }), 1031));
    // Ids repeat across separate exchanges: each is its own channel.
    store.addConnection(http('p2', { response: ok() }));
    store.append(
      body('p2', 'out', rpc({ jsonrpc: '2.0', id: 7, method: 'sum', params: [] }), 1100),
    );
    store.append(body('p2', 'in', '<html>502 Bad Gateway</html>', 1110));
    const views = new ProtocolViews(store, { live: false });
    expect(
      views.pairs().map((p) => [p.request.connectionId, p.answer.connectionId, p.latencyMs]),
    ).toEqual([['p1', 'p1', 30]]);
    expect(views.annotationOf(4)?.messages[0]?.malformed?.code).toBe('jsonrpc.not-json');
    expect(views.unanswered().map((u) => u.request.connectionId)).toEqual(['p2']);
  });
});

describe('MCP Streamable HTTP', () => {
  it('joins a session by Mcp-Session-Id: answers in JSON, in an SSE stream, and server requests answered by POST', () => {
    const store = new SessionStore();
    const session: [string, string] = ['Mcp-Session-Id', 's-1'];
    // initialize: the session id comes with the answer.
    store.addConnection(
      http('init', { response: ok([['Content-Type', 'application/json'], session]) }),
    );
    store.append(
      body('init', 'out', rpc({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }), 1001),
    );
    store.append(
      body(
        'init',
        'in',
        rpc({ jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-06-18' } }),
        1005,
      ),
    );
    // A notification: 202 with an empty body (no entry), then a call answered by an event stream.
    store.addConnection(
      http('note', {
        requestHeaders: [session],
        response: { status: 202, statusText: 'Accepted', headers: [] },
      }),
    );
    store.append(
      body('note', 'out', rpc({ jsonrpc: '2.0', method: 'notifications/initialized' }), 1010),
    );
    store.addConnection(
      testConnection('call', {
        kind: 'sse',
        method: 'POST',
        url: 'http://127.0.0.1:1/mcp',
        requestHeaders: [session],
        response: ok([['Content-Type', 'text/event-stream']]),
      }),
    );
    store.append(
      body(
        'call',
        'out',
        rpc({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'search', arguments: {} },
        }),
        1020,
      ),
    );
    store.append(
      event(
        'call',
        'message',
        rpc({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } }),
        1030,
      ),
    );
    store.append(
      event('call', 'message', rpc({ jsonrpc: '2.0', id: 1, result: { content: [] } }), 1070),
    );
    // The GET stream: the server asks, the client answers with a POST.
    store.addConnection(
      testConnection('get', {
        kind: 'sse',
        url: 'http://127.0.0.1:1/mcp',
        requestHeaders: [session],
        response: ok([['Content-Type', 'text/event-stream']]),
      }),
    );
    store.append(
      event(
        'get',
        'message',
        rpc({ jsonrpc: '2.0', id: 'srv-1', method: 'sampling/createMessage', params: {} }),
        1080,
      ),
    );
    store.addConnection(
      http('reply', {
        requestHeaders: [session],
        response: { status: 202, statusText: 'Accepted', headers: [] },
      }),
    );
    store.append(
      body(
        'reply',
        'out',
        rpc({ jsonrpc: '2.0', id: 'srv-1', result: { role: 'assistant' } }),
        1095,
      ),
    );
    store.append(body('reply', 'in', 'Accepted', 1096));

    const views = new ProtocolViews(store, { live: false });
    const channel = views.channels().find((c) => c.id === 'mcp:s-1');
    // Read from a saved session the initialize exchange has its answer's session id; live, its
    // request is read before the answer comes, so it stays a channel of its own.
    expect(channel?.connectionIds).toEqual(['init', 'note', 'call', 'get', 'reply']);
    expect(views.annotations().flatMap((a) => a.messages.map((m) => m.summary))).toEqual([
      '→ initialize #0',
      '← #0 {"protocolVersion":"2025-06-18"}',
      'notify notifications/initialized',
      '→ tools/call search #1',
      'notify notifications/progress',
      '← #1 {"content":[]}',
      '→ sampling/createMessage #"srv-1"',
      '← #"srv-1" {"role":"assistant"}',
    ]);
    expect(views.annotationOf(4)?.messages[0]?.fields.tool).toBe('search');
    expect(
      views.pairs().map((p) => [p.request.connectionId, p.answer.connectionId, p.latencyMs]),
    ).toEqual([
      ['init', 'init', 4],
      ['call', 'call', 50],
      ['get', 'reply', 15],
    ]);
    expect(views.unanswered()).toEqual([]);
    expect(views.annotations().some((a) => a.messages.some((m) => m.malformed))).toBe(false);
    // The tables' source: the channel's newest messages and the pairs they end.
    const newest = views.channelMessages('mcp:s-1', 2);
    expect(newest?.total).toBe(8);
    expect(newest?.annotations.map((a) => a.connectionId)).toEqual(['get', 'reply']);
    expect(newest?.pairs.map((p) => p.key)).toEqual(['"srv-1"']);
    expect(views.channelMessages('nope', 2)).toBeUndefined();
  });
});

describe('MCP HTTP+SSE (the older transport)', () => {
  it('reads the endpoint event, and pairs POSTed requests with answers on the stream', () => {
    const store = new SessionStore();
    store.addConnection(
      testConnection('sse', {
        kind: 'sse',
        url: 'http://127.0.0.1:1/sse',
        response: ok([['Content-Type', 'text/event-stream']]),
      }),
    );
    store.append(event('sse', 'endpoint', '/messages?sessionId=abc-123', 1001));
    const accepted = { status: 202, statusText: 'Accepted', headers: [] };
    store.addConnection(
      http('post', { url: 'http://127.0.0.1:1/messages?sessionId=abc-123', response: accepted }),
    );
    store.append(body('post', 'out', rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), 1010));
    store.append(body('post', 'in', 'Accepted', 1011));
    store.append(
      event('sse', 'message', rpc({ jsonrpc: '2.0', id: 1, result: { tools: [] } }), 1040),
    );
    const views = new ProtocolViews(store, { live: false });
    expect(views.channelOf('sse')).toBe('mcp:abc-123');
    expect(views.channelOf('post')).toBe('mcp:abc-123');
    expect(views.annotationOf(1)?.messages[0]).toMatchObject({
      kind: 'endpoint',
      fields: { endpoint: '/messages?sessionId=abc-123', sessionId: 'abc-123' },
    });
    expect(
      views.pairs().map((p) => [p.request.connectionId, p.answer.connectionId, p.latencyMs]),
    ).toEqual([['post', 'sse', 30]]);
  });
});
