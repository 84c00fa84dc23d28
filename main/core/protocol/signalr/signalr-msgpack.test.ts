import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../../shared/model/entry.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { sessionWith, testConnection, type TestMessage } from '../dissect/test-support.ts';

const url = 'ws://127.0.0.1:1/chathub?id=tok123';
const handshakeRequest = `${JSON.stringify({ protocol: 'messagepack', version: 1 })}\u001e`;
const handshakeResponse = new TextEncoder().encode('{}\u001e');

/** VarInt length prefix (HubProtocol.md, "Binary encoding"). */
function varint(length: number): number[] {
  const out: number[] = [];
  let rest = length;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

/** One or more hub messages, each length-prefixed, in one binary message. */
function mp(...messages: unknown[]): Uint8Array {
  const parts = messages.map((m) => {
    const body = encode(m);
    return [...varint(body.length), ...body];
  });
  return Uint8Array.from(parts.flat());
}

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/0x|\s+/g, ''), 'hex'));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

function summaries(views: ProtocolViews): string[] {
  return views.annotations().flatMap((a) => a.messages.map((m) => m.malformed?.code ?? m.summary));
}

describe('SignalR hub protocol (MessagePack) over WebSocket', () => {
  it('every message type, several per WebSocket message, paired like the JSON encoding', () => {
    const store = sessionWith(testConnection('c', { url }), [
      { dir: 'out', data: handshakeRequest, at: 0 },
      // The server's handshake answer and its first message may share a binary frame.
      { dir: 'in', data: concat(handshakeResponse, mp([6])), at: 2 },
      {
        dir: 'out',
        data: mp([1, { trace: 'abc' }, '0', 'Send', ['ann', new Uint8Array([1, 2, 255])], []]),
        at: 10,
      },
      {
        dir: 'in',
        data: mp([1, {}, null, 'ReceiveMessage', ['ann', 'hi']], [3, {}, '0', 3, 42]),
        at: 14,
      },
      { dir: 'out', data: mp([4, {}, '1', 'Counter', [3], []]), at: 20 },
      { dir: 'in', data: mp([2, {}, '1', 1], [2, {}, '1', { n: 2 }]), at: 25 },
      { dir: 'in', data: mp([3, {}, '1', 1, 'boom']), at: 30 },
      { dir: 'out', data: mp([1, {}, '2', 'Fire', [], []]), at: 40 },
      { dir: 'in', data: mp([3, {}, '2', 2]), at: 43 },
      { dir: 'out', data: mp([1, {}, '3', 'Slow', []], [5, {}, '3']), at: 50 },
      { dir: 'out', data: mp([1, {}, '4', 'Lost', [], ['s1']]), at: 55 },
      { dir: 'out', data: mp([8, 36], [9, 19]), at: 58 },
      { dir: 'in', data: mp([7, 'Server shutting down', true]), at: 70 },
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      id: 'signalr:tok123',
      protocol: 'signalr',
      chosenBy: 'sniff',
      malformed: 0,
    });
    expect(summaries(views)).toEqual([
      'handshake messagepack v1',
      'handshake ok',
      'Ping',
      'Invocation Send #0 ["ann",{"$bytes":"0102ff","length":3}]',
      'Invocation ReceiveMessage ["ann","hi"]',
      'Completion #0 42',
      'StreamInvocation Counter #1 [3]',
      'StreamItem #1 1',
      'StreamItem #1 {"n":2}',
      'Completion #1 error boom',
      'Invocation Fire #2 []',
      'Completion #2',
      'Invocation Slow #3 []',
      'CancelInvocation #3',
      'Invocation Lost #4 []',
      'Ack',
      'Sequence',
      'Close Server shutting down',
    ]);
    const fieldsOf = (seq: number) => views.annotationOf(seq)?.messages.map((m) => m.fields);
    expect(fieldsOf(3)).toEqual([
      {
        invocationId: '0',
        target: 'Send',
        headers: '{"trace":"abc"}',
        arguments: '["ann",{"$bytes":"0102ff","length":3}]',
      },
    ]);
    expect(fieldsOf(11)?.[0]).toMatchObject({ streamIds: 's1' });
    expect(fieldsOf(12)).toEqual([{ sequenceId: 36 }, { sequenceId: 19 }]);
    expect(fieldsOf(13)).toEqual([{ error: 'Server shutting down', allowReconnect: true }]);
    expect(views.pairs().map((p) => [p.kind, p.key, p.latencyMs])).toEqual([
      ['handshake', '', 2],
      ['invocation', '0', 4],
      ['invocation', '1', 10],
      ['invocation', '2', 3],
    ]);
    expect(views.unanswered().map((u) => u.key)).toEqual(['4']);

    // Opened, a message is a tree in the JSON encoding's shape, its values JSON-safe.
    expect(views.detailOf(2)?.trees).toEqual([{}, { type: 6 }]);
    expect(views.detailOf(3)?.trees).toEqual([
      {
        type: 1,
        headers: { trace: 'abc' },
        invocationId: '0',
        target: 'Send',
        arguments: ['ann', { $bytes: '0102ff', length: 3 }],
      },
    ]);
    expect(views.detailOf(7)?.trees).toEqual([{ type: 3, invocationId: '1', error: 'boom' }]);
  });

  it('reads the spec examples byte for byte', () => {
    const examples: [string, string][] = [
      [
        '0x96 0x01 0x80 0xa3 0x78 0x79 0x7a 0xa6 0x6d 0x65 0x74 0x68 0x6f 0x64 0x91 0x2a 0x90',
        'Invocation method #xyz [42]',
      ],
      [
        '0x96 0x01 0x80 0xc0 0xa6 0x6d 0x65 0x74 0x68 0x6f 0x64 0x91 0x2a 0x90',
        'Invocation method [42]',
      ],
      [
        '0x96 0x04 0x80 0xa3 0x78 0x79 0x7a 0xa6 0x6d 0x65 0x74 0x68 0x6f 0x64 0x91 0x2a 0x90',
        'StreamInvocation method #xyz [42]',
      ],
      ['0x94 0x02 0x80 0xa3 0x78 0x79 0x7a 0x2a', 'StreamItem #xyz 42'],
      [
        '0x95 0x03 0x80 0xa3 0x78 0x79 0x7a 0x01 0xa5 0x45 0x72 0x72 0x6f 0x72',
        'Completion #xyz error Error',
      ],
      ['0x94 0x03 0x80 0xa3 0x78 0x79 0x7a 0x02', 'Completion #xyz'],
      ['0x95 0x03 0x80 0xa3 0x78 0x79 0x7a 0x03 0x2a', 'Completion #xyz 42'],
      ['0x93 0x05 0x80 0xa3 0x78 0x79 0x7a', 'CancelInvocation #xyz'],
      ['0x91 0x06', 'Ping'],
      ['0x92 0x07 0xa3 0x78 0x79 0x7a', 'Close xyz'],
      ['0x93 0x07 0xa3 0x78 0x79 0x7a 0xc3', 'Close xyz'],
      ['0x92 0x08 0xcc 0x24', 'Ack'],
      ['0x92 0x09 0xcc 0x13', 'Sequence'],
      [
        '0x96 0x01 0x82 0xa1 0x78 0xa1 0x79 0xa1 0x7a 0xa1 0x7a 0xa3 0x78 0x79 0x7a 0xa6 0x6d 0x65 0x74 0x68 0x6f 0x64 0x91 0x2a 0x90',
        'Invocation method #xyz [42]',
      ],
    ];
    const store = sessionWith(testConnection('c', { url }), [
      { dir: 'out', data: handshakeRequest },
      ...examples.map(([bytes]): TestMessage => {
        const body = hex(bytes);
        return { dir: 'out', data: Uint8Array.from([...varint(body.length), ...body]) };
      }),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(summaries(views)).toEqual(['handshake messagepack v1', ...examples.map(([, s]) => s)]);
    expect(views.annotations().at(-1)?.messages[0]?.fields.headers).toBe('{"x":"y","z":"z"}');
  });

  it('malformed messages are named with stable codes and the next one still reads', () => {
    const store = sessionWith(testConnection('c', { url }), [
      { dir: 'out', data: handshakeRequest },
      { dir: 'in', data: handshakeResponse },
      // Not msgpack (0xc1 is never used), then a good Ping in the same message.
      { dir: 'in', data: concat(hex('02 c1 00'), mp([6])) },
      { dir: 'in', data: mp({ type: 1 }) },
      { dir: 'in', data: mp([]) },
      { dir: 'in', data: mp([99]) },
      { dir: 'in', data: mp([1, {}, '1', 7, []]) },
      { dir: 'in', data: mp([1, {}, '1']) },
      { dir: 'in', data: mp([3, {}, '1', 9]) },
      { dir: 'in', data: mp([3, {}, 5, 2]) },
      { dir: 'in', data: mp([3, {}, '1', 2], [3, {}, '1', 2, 'extra is tolerated']) },
      // A length prefix that never ends: the rest of the message cannot be framed.
      { dir: 'in', data: concat(hex('ff ff ff ff ff 01'), mp([6])) },
      { dir: 'in', data: mp([6]) },
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(summaries(views)).toEqual([
      'handshake messagepack v1',
      'handshake ok',
      'signalr.msgpack',
      'Ping',
      'signalr.not-array',
      'signalr.not-array',
      'signalr.type',
      'signalr.target',
      'signalr.shape',
      'signalr.shape',
      'signalr.id',
      'Completion #1',
      'Completion #1',
      'signalr.length',
      'Ping',
    ]);
  });

  it('any split of the binary stream gives the same dissection; random bytes never throw', () => {
    const wire: [Direction, Uint8Array][] = [
      ['in', concat(handshakeResponse, mp([6]))],
      ['out', mp([1, {}, '7', 'Send', ['ünï', 1.5, [1, 2]], []])],
      ['in', mp([2, {}, '7', 'x'.repeat(300)], [3, {}, '7', 3, { ok: true }])],
      ['out', mp([1, {}, '8', 'Other', []])],
      ['in', mp([3, {}, '8', 1, 'nope'])],
    ];
    const shape = (views: ProtocolViews) => ({
      messages: views
        .annotations()
        .flatMap((a) => a.messages.map((m) => [a.direction, m.summary, m.fields])),
      pairs: views.pairs().map((p) => [p.kind, p.key, p.latencyMs]),
    });
    const session = (messages: TestMessage[]) =>
      new ProtocolViews(
        sessionWith(testConnection('c', { url }), [
          { dir: 'out', data: handshakeRequest, at: 0 },
          ...messages,
        ]),
        { live: false },
      );
    const whole = shape(session(wire.map(([dir, data], i) => ({ dir, data, at: i + 1 }))));
    expect(whole.pairs).toHaveLength(3);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (cuts) => {
          const messages: TestMessage[] = [];
          let c = 0;
          wire.forEach(([dir, bytes], i) => {
            for (let at = 0; at < bytes.length;) {
              const size = cuts[c++ % cuts.length] ?? 1;
              messages.push({ dir, data: bytes.slice(at, at + size), at: i + 1 });
              at += size;
            }
          });
          expect(shape(session(messages))).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 40 })), { maxLength: 8 }),
        (chunks) => {
          const views = session(
            chunks.map(([out, data]) => ({ dir: out ? 'out' : 'in', data, kind: 'binary' })),
          );
          for (const a of views.annotations()) {
            expect(() => JSON.stringify(views.detailOf(a.seq))).not.toThrow();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
