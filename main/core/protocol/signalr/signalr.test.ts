import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../../shared/model/entry.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import {
  inn,
  out,
  sessionWith,
  testConnection,
  type TestMessage,
} from '../dissect/test-support.ts';

const RS = '\u001e';
const r = (value: unknown) => `${JSON.stringify(value)}${RS}`;
const url = 'ws://127.0.0.1:1/chathub?id=tok123';

describe('SignalR hub protocol (JSON) over WebSocket', () => {
  it('handshake, invocations with completion, streams, cancel, ping, close', () => {
    const store = sessionWith(testConnection('c', { url }), [
      out(r({ protocol: 'json', version: 1 }), 0),
      inn(r({}), 2),
      out(r({ type: 1, invocationId: '0', target: 'Send', arguments: ['ann', 'hi'] }), 10),
      inn(
        r({ type: 1, target: 'ReceiveMessage', arguments: ['ann', 'hi'] }) +
          r({ type: 3, invocationId: '0', result: 42 }),
        14,
      ),
      out(r({ type: 4, invocationId: '1', target: 'Counter', arguments: [3] }), 20),
      inn(r({ type: 2, invocationId: '1', item: 1 }), 25),
      inn(r({ type: 3, invocationId: '1', error: 'boom' }), 30),
      out(r({ type: 1, invocationId: '2', target: 'Slow', arguments: [] }), 40),
      out(r({ type: 5, invocationId: '2' }), 41),
      out(r({ type: 1, invocationId: '3', target: 'Lost', arguments: [] }), 50),
      inn(r({ type: 6 }), 60),
      inn(r({ type: 7, error: 'Server shutting down', allowReconnect: true }), 70),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      id: 'signalr:tok123',
      protocol: 'signalr',
      chosenBy: 'sniff',
      malformed: 0,
    });
    expect(views.annotations().flatMap((a) => a.messages.map((m) => m.summary))).toEqual([
      'handshake json v1',
      'handshake ok',
      'Invocation Send #0 ["ann","hi"]',
      'Invocation ReceiveMessage ["ann","hi"]',
      'Completion #0 42',
      'StreamInvocation Counter #1 [3]',
      'StreamItem #1 1',
      'Completion #1 error boom',
      'Invocation Slow #2 []',
      'CancelInvocation #2',
      'Invocation Lost #3 []',
      'Ping',
      'Close Server shutting down',
    ]);
    expect(views.annotationOf(4)?.messages.map((m) => m.index)).toEqual([0, 1]);
    expect(views.pairs().map((p) => [p.kind, p.key, p.latencyMs])).toEqual([
      ['handshake', '', 2],
      ['invocation', '0', 4],
      ['invocation', '1', 10],
    ]);
    expect(views.unanswered().map((u) => u.key)).toEqual(['3']);
  });

  it('a failed handshake and malformed records', () => {
    const store = sessionWith(testConnection('c', { url }), [
      out(r({ protocol: 'json', version: 1 })),
      inn(r({ error: 'Requested protocol is not supported' })),
      inn(`not json${RS}`),
      inn(r([1])),
      inn(r({ type: 99 })),
      inn(r({ type: 1, arguments: [] })),
      inn(r({ type: 3 })),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(
      views.annotations().map((a) => a.messages[0]?.malformed?.code ?? a.messages[0]?.summary),
    ).toEqual([
      'handshake json v1',
      'handshake error Requested protocol is not supported',
      'signalr.not-json',
      'signalr.not-object',
      'signalr.type',
      'signalr.target',
      'signalr.id',
    ]);
  });

  it('records split over messages or sharing them give the same dissection', () => {
    const wire: [Direction, string][] = [
      ['out', r({ protocol: 'json', version: 1 })],
      ['in', r({})],
      ['out', r({ type: 1, invocationId: '7', target: 'Send', arguments: ['ünï'] })],
      ['in', r({ type: 3, invocationId: '7', result: null })],
    ];
    const shape = (views: ProtocolViews) => ({
      messages: views
        .annotations()
        .flatMap((a) => a.messages.map((m) => [a.direction, m.summary, m.fields])),
      pairs: views.pairs().map((p) => [p.kind, p.key, p.latencyMs]),
    });
    const whole = shape(
      new ProtocolViews(
        sessionWith(
          testConnection('c'),
          wire.map(([dir, data], i) => ({ dir, data, at: i })),
        ),
        { live: false },
      ),
    );
    expect(whole.pairs).toHaveLength(2);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }),
        (cuts) => {
          const messages: TestMessage[] = [];
          let c = 0;
          wire.forEach(([dir, text], i) => {
            for (let at = 0; at < text.length;) {
              const size = cuts[c++ % cuts.length] ?? 1;
              messages.push({ dir, data: text.slice(at, at + size), at: i });
              at += size;
            }
          });
          expect(
            shape(
              new ProtocolViews(sessionWith(testConnection('c', { protocol: 'x' }), messages), {
                live: false,
                overrides: new Map([['c', 'signalr']]),
              }),
            ),
          ).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });
});
