import { describe, expect, it } from 'vitest';
import { sseOutputToEntry } from './to-entry.ts';
import { decode, utf8 } from './test-support.ts';

const ctx = { connectionId: 'c1', time: 1700000000000.5 };

describe('sseOutputToEntry', () => {
  it('maps events, comments and an unterminated tail onto the shared entry model', () => {
    const entries = decode(utf8(': hi\nretry: 5\nid: 1\ndata: a:b\n\ndata: é')).map((o) =>
      sseOutputToEntry(o, ctx),
    );
    expect(entries).toEqual([
      {
        connectionId: 'c1',
        time: ctx.time,
        direction: 'in',
        kind: 'comment',
        payload: 'hi',
        payloadSize: 2,
        wireSize: 5,
      },
      undefined, // retry is stream state, not an entry
      {
        connectionId: 'c1',
        time: ctx.time,
        direction: 'in',
        kind: 'event',
        payload: 'a:b',
        payloadSize: 3,
        wireSize: 31, // the comment, retry and id lines are part of the block
        sse: { event: 'message', lastEventId: '1', id: '1', retry: 5 },
      },
      {
        connectionId: 'c1',
        time: ctx.time,
        direction: 'in',
        kind: 'error',
        payload: 'data: é',
        payloadSize: 8,
        wireSize: 8,
        sse: { event: 'message', lastEventId: '1' },
        notes: [expect.objectContaining({ code: 'sse.unterminated-event' })],
      },
    ]);
  });

  it('keeps the notes of an event and the data of an unterminated block', () => {
    const [event, tail] = decode(utf8('foo: 1\ndata: x\n\ndata: held\n')).map((o) =>
      sseOutputToEntry(o, { ...ctx, direction: 'out' }),
    );
    expect(event?.notes?.map((n) => n.code)).toEqual(['sse.unknown-field']);
    expect(tail).toMatchObject({
      kind: 'error',
      payload: 'held',
      payloadSize: 4,
      direction: 'out',
    });
  });
});
