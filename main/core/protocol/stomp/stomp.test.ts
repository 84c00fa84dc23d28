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

const conn = testConnection('c', { protocol: 'v12.stomp' });

describe('STOMP 1.2 over WebSocket', () => {
  it('frames with headers, bodies, receipts, acks and heart-beats', () => {
    const store = sessionWith(conn, [
      out('CONNECT\naccept-version:1.2\nhost:/\nheart-beat:10000,10000\n\n\0', 0),
      inn('CONNECTED\nversion:1.2\nheart-beat:10000,10000\n\n\0', 3),
      out('SUBSCRIBE\nid:sub-0\ndestination:/queue/a\nack:client-individual\n\n\0', 5),
      out('SEND\ndestination:/queue/a\ncontent-type:text/plain\nreceipt:r1\n\nhello\0', 6),
      inn('RECEIPT\nreceipt-id:r1\n\n\0', 16),
      inn(
        'MESSAGE\nsubscription:sub-0\nmessage-id:m1\nack:a1\ndestination:/queue/a\n\nhello\0',
        20,
      ),
      out('ACK\nid:a1\nreceipt:r2\n\n\0', 30),
      inn('RECEIPT\nreceipt-id:r2\n\n\0', 31),
      out('\n', 40),
      out('DISCONNECT\nreceipt:r3\n\n\0', 50),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      protocol: 'stomp',
      chosenBy: 'subprotocol',
      malformed: 0,
    });
    expect(views.annotations().map((a) => a.messages[0]?.summary)).toEqual([
      'CONNECT',
      'CONNECTED',
      'SUBSCRIBE /queue/a',
      'SEND /queue/a "hello"',
      'RECEIPT r1',
      'MESSAGE /queue/a "hello"',
      'ACK',
      'RECEIPT r2',
      'heart-beat',
      'DISCONNECT',
    ]);
    expect(views.annotationOf(6)?.messages[0]?.fields).toMatchObject({
      command: 'MESSAGE',
      dest: '/queue/a',
      subscription: 'sub-0',
      messageId: 'm1',
      ack: 'a1',
      bodySize: 5,
      body: 'hello',
    });
    expect(
      views.pairs().map((p) => [p.kind, p.key, p.request.seq, p.answer.seq, p.latencyMs]),
    ).toEqual([
      ['connect', '', 1, 2, 3],
      ['receipt', 'r1', 4, 5, 10],
      ['ack', 'a1', 6, 7, 10],
      ['receipt', 'r2', 7, 8, 1],
    ]);
    expect(views.unanswered().map((u) => [u.kind, u.key])).toEqual([['receipt', 'r3']]);
  });

  it('a receipt header a broker copied into a MESSAGE asks for nothing (RabbitMQ copies SEND headers)', () => {
    const store = sessionWith(conn, [
      out('SEND\ndestination:/queue/a\nreceipt:r1\n\nhi\0'),
      inn('MESSAGE\ndestination:/queue/a\nmessage-id:m1\nreceipt:r1\nsubscription:s\n\nhi\0'),
      inn('RECEIPT\nreceipt-id:r1\n\n\0'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.annotationOf(2)?.messages[0]?.fields.receipt).toBe('r1');
    expect(views.pairs().map((p) => [p.kind, p.key, p.request.seq, p.answer.seq])).toEqual([
      ['receipt', 'r1', 1, 3],
    ]);
    expect(views.unanswered()).toEqual([]);
  });

  it('content-length bodies keep NUL bytes; 1.2 header escapes are undone (not in CONNECT)', () => {
    const body = 'a\0b';
    const store = sessionWith(conn, [
      inn(`MESSAGE\ndestination:/topic/x\\cy\nmessage-id:m\\\\1\ncontent-length:3\n\n${body}\0`),
      out('CONNECT\nlogin:a\\cb\n\n\0'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.annotationOf(1)?.messages[0]?.fields).toMatchObject({
      dest: '/topic/x:y',
      messageId: 'm\\1',
      bodySize: 3,
      body: 'a\0b',
    });
    expect(views.annotations()).toHaveLength(2);
  });

  it('MESSAGE expects an ACK only on client-acknowledged subscriptions (1.1 by message-id)', () => {
    const store = sessionWith(testConnection('c', { protocol: 'v11.stomp' }), [
      out('SUBSCRIBE\nid:auto\ndestination:/a\n\n\0'),
      out('SUBSCRIBE\nid:manual\ndestination:/b\nack:client\n\n\0'),
      inn('MESSAGE\nsubscription:auto\nmessage-id:1\ndestination:/a\n\n\0'),
      inn('MESSAGE\nsubscription:manual\nmessage-id:2\ndestination:/b\n\n\0'),
      inn('MESSAGE\nsubscription:manual\nmessage-id:3\ndestination:/b\n\n\0'),
      out('NACK\nsubscription:manual\nmessage-id:2\n\n\0'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.pairs().map((p) => [p.kind, p.key])).toEqual([['ack', '2']]);
    expect(views.unanswered().map((u) => [u.kind, u.key])).toEqual([['ack', '3']]);
  });

  it('malformed frames: unknown command, header without colon, bad escape, bad content-length', () => {
    const store = sessionWith(conn, [
      out('SEND\ndestination:/a\n\nok\0'),
      out('HELLO\n\n\0'),
      out('SEND\nnocolon\n\n\0'),
      out('SEND\nx:\\t\n\n\0'),
      out('SEND\ncontent-length:x\n\n\0'),
      out('SEND\ncontent-length:1\n\nab\0'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(
      views.annotations().map((a) => a.messages.map((m) => m.malformed?.code ?? m.kind).join()),
    ).toEqual([
      'SEND',
      'stomp.command',
      'stomp.header',
      'stomp.escape',
      'stomp.content-length',
      'stomp.no-nul',
    ]);
  });

  it('any split of each message into pieces, and frames sharing a message, give the same dissection', () => {
    const traffic: [Direction, string][] = [
      ['out', 'CONNECT\naccept-version:1.2\nhost:/\n\n\0'],
      ['in', 'CONNECTED\nversion:1.2\n\n\0'],
      [
        'out',
        'SEND\ndestination:/q\nreceipt:1\ncontent-length:4\n\nä\0x\0SEND\ndestination:/q\n\n2\0',
      ],
      ['in', 'RECEIPT\nreceipt-id:1\n\n\0\n'],
      ['in', 'MESSAGE\ndestination:/q\nmessage-id:9\nack:k\n\nbody\r\n\0'],
      ['out', 'ACK\nid:k\n\n\0'],
    ];
    const shape = (views: ProtocolViews) => ({
      messages: views
        .annotations()
        .flatMap((a) => a.messages.map((m) => [a.direction, m.kind, m.summary, m.fields])),
      pairs: views.pairs().map((p) => [p.kind, p.key, p.latencyMs]),
    });
    const whole = shape(
      new ProtocolViews(
        sessionWith(
          conn,
          traffic.map(([dir, data], i) => ({ dir, data, at: i })),
        ),
        { live: false },
      ),
    );
    expect(whole.messages).toHaveLength(8);
    expect(whole.pairs).toHaveLength(3);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        (cuts) => {
          const messages: TestMessage[] = [];
          let c = 0;
          traffic.forEach(([dir, text], i) => {
            const bytes = Buffer.from(text);
            // Pieces of a message arrive at its time, as bytes (a cut may split a UTF-8 character).
            for (let at = 0; at < bytes.length;) {
              const size = cuts[c++ % cuts.length] ?? 1;
              messages.push({
                dir,
                data: new Uint8Array(bytes.subarray(at, at + size)),
                kind: 'binary',
                at: i,
              });
              at += size;
            }
          });
          expect(shape(new ProtocolViews(sessionWith(conn, messages), { live: false }))).toEqual(
            whole,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is sniffed from a CONNECT frame', () => {
    const store = sessionWith(testConnection('c'), [
      out('CONNECT\r\naccept-version:1.2\r\n\r\n\0'),
      inn('CONNECTED\r\n\r\n\0'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({ protocol: 'stomp', chosenBy: 'sniff', pairs: 1 });
  });
});
