import { describe, expect, it } from 'vitest';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { inn, out, sessionWith, testConnection } from '../dissect/test-support.ts';
import { operationOf } from './graphql-ws.ts';
import { graphqlOperations } from './operations.ts';

const j = (value: unknown) => JSON.stringify(value);

describe('graphql-transport-ws', () => {
  it('operations by id: type, name, variables, results, ending, time to first result', () => {
    const store = sessionWith(
      testConnection('c', { protocol: 'graphql-transport-ws', state: 'closed', closedAt: 1900 }),
      [
        out(j({ type: 'connection_init', payload: { auth: 'x' } }), 0),
        inn(j({ type: 'connection_ack' }), 4),
        out(
          j({
            type: 'subscribe',
            id: '1',
            payload: {
              query: 'subscription OnMessage($room: ID!) { message(room: $room) { text } }',
              variables: { room: 'a' },
            },
          }),
          10,
        ),
        out(j({ type: 'subscribe', id: '2', payload: { query: '{ me { name } }' } }), 11),
        inn(j({ type: 'next', id: '2', payload: { data: { me: { name: 'Ann' } } } }), 31),
        inn(j({ type: 'complete', id: '2' }), 32),
        inn(j({ type: 'next', id: '1', payload: { data: { message: { text: 'hi' } } } }), 110),
        inn(
          j({ type: 'next', id: '1', payload: { data: null, errors: [{ message: 'boom' }] } }),
          120,
        ),
        out(
          j({
            type: 'subscribe',
            id: '3',
            payload: { query: 'mutation Send { send }', operationName: 'Send' },
          }),
          200,
        ),
        inn(j({ type: 'error', id: '3', payload: [{ message: 'denied' }] }), 250),
        out(j({ type: 'subscribe', id: '4', payload: { query: 'subscription Ticks { t }' } }), 300),
        out(j({ type: 'complete', id: '1' }), 400),
        out(j({ type: 'ping' }), 500),
        inn(j({ type: 'pong' }), 502),
      ],
    );
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      protocol: 'graphql-transport-ws',
      chosenBy: 'subprotocol',
      malformed: 0,
    });
    expect(views.annotationOf(3)?.messages[0]).toMatchObject({
      kind: 'subscribe',
      summary: 'subscribe #1 subscription OnMessage',
      fields: { id: '1', opType: 'subscription', op: 'OnMessage', variables: '{"room":"a"}' },
    });
    expect(views.annotationOf(8)?.messages[0]?.fields).toMatchObject({
      id: '1',
      errors: 1,
      errorMessage: 'boom',
    });
    expect(views.pairs().map((p) => [p.kind, p.key, p.latencyMs])).toEqual([
      ['init', '', 4],
      ['first-result', '2', 20],
      ['first-result', '1', 100],
      ['first-result', '3', 50],
      ['ping', '', 2],
    ]);
    expect(views.unanswered().map((u) => u.key)).toEqual(['4']);
    const ops = graphqlOperations(views.annotations(), (id) => store.getConnection(id)?.closedAt);
    expect(
      ops.map((o) => [
        o.id,
        o.type,
        o.name,
        o.results,
        o.errors,
        o.firstResultMs,
        o.ended,
        o.lifetimeMs,
      ]),
    ).toEqual([
      ['1', 'subscription', 'OnMessage', 2, 1, 100, 'cancelled', 390],
      ['2', 'query', undefined, 1, 0, 20, 'complete', 21],
      ['3', 'mutation', 'Send', 0, 0, 50, 'error', 50],
      ['4', 'subscription', 'Ticks', 0, 0, undefined, 'connection-closed', 1900 - 1300],
    ]);
  });

  it('malformed and unknown messages', () => {
    const store = sessionWith(testConnection('c', { protocol: 'graphql-transport-ws' }), [
      out(j({ type: 'connection_init' })),
      out('nope'),
      out(j({ id: '1' })),
      out(j({ type: 'start', id: '1' })),
      out(j({ type: 'subscribe', payload: { query: '{a}' } })),
      out(j({ type: 'subscribe', id: '1', payload: {} })),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.annotations().map((a) => a.messages[0]?.malformed?.code)).toEqual([
      undefined,
      'graphql-ws.not-json',
      'graphql-ws.shape',
      'graphql-ws.type',
      'graphql-ws.id',
      'graphql-ws.payload',
    ]);
  });
});

describe('subscriptions-transport-ws (legacy graphql-ws)', () => {
  it('start/data/complete/stop, ka, connection_error', () => {
    const store = sessionWith(testConnection('c', { protocol: 'graphql-ws' }), [
      out(j({ type: 'connection_init', payload: {} }), 0),
      inn(j({ type: 'connection_ack' }), 2),
      inn(j({ type: 'ka' }), 3),
      out(j({ type: 'start', id: '1', payload: { query: 'subscription { tick }' } }), 10),
      inn(j({ type: 'data', id: '1', payload: { data: { tick: 1 } } }), 15),
      out(j({ type: 'stop', id: '1' }), 20),
      out(j({ type: 'start', id: '2', payload: { query: 'query Q { a }' } }), 30),
      inn(j({ type: 'data', id: '2', payload: { data: { a: 1 } } }), 33),
      inn(j({ type: 'complete', id: '2' }), 34),
      out(j({ type: 'connection_terminate' }), 40),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.protocolOf('c')).toBe('subscriptions-transport-ws');
    expect(views.annotations().map((a) => a.messages[0]?.kind)).toEqual([
      'connection_init',
      'connection_ack',
      'ka',
      'start',
      'data',
      'stop',
      'start',
      'data',
      'complete',
      'connection_terminate',
    ]);
    const ops = graphqlOperations(views.annotations(), () => undefined);
    expect(ops.map((o) => [o.id, o.type, o.name, o.firstResultMs, o.ended, o.lifetimeMs])).toEqual([
      ['1', 'subscription', undefined, 5, 'cancelled', 10],
      ['2', 'query', 'Q', 3, 'complete', 4],
    ]);
    expect(views.unanswered()).toEqual([]);
  });

  it('sniffs the flavor from its distinctive message when no subprotocol was negotiated', () => {
    const legacy = sessionWith(testConnection('a'), [
      out(j({ type: 'connection_init' })),
      out(j({ type: 'start', id: '1', payload: { query: '{a}' } })),
    ]);
    expect(new ProtocolViews(legacy, { live: false }).protocolOf('a')).toBe(
      'subscriptions-transport-ws',
    );
    const modern = sessionWith(testConnection('b'), [
      out(j({ type: 'connection_init' })),
      out(j({ type: 'subscribe', id: '1', payload: { query: '{a}' } })),
    ]);
    const views = new ProtocolViews(modern, { live: false });
    expect(views.protocolOf('b')).toBe('graphql-transport-ws');
    // The message that came before the deciding one is dissected too.
    expect(views.annotations().map((a) => a.messages[0]?.kind)).toEqual([
      'connection_init',
      'subscribe',
    ]);
  });
});

describe('operationOf', () => {
  it('reads the operation type and name, comments and fragments aside', () => {
    expect(operationOf('{ a }', undefined)).toEqual({ type: 'query' });
    expect(operationOf('# query Nope\nmutation Do { a }', undefined)).toEqual({
      type: 'mutation',
      name: 'Do',
    });
    expect(operationOf('fragment F on T { a } subscription S { ...F }', undefined)).toEqual({
      type: 'subscription',
      name: 'S',
    });
    expect(operationOf('query A { a } query B { b }', 'B')).toEqual({ type: 'query', name: 'B' });
  });
});
