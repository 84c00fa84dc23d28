import { describe, expect, it } from 'vitest';
import { SseDecoder } from './sse-decoder.ts';
import type { SseOutput } from './sse-output.ts';
import { bytesOf, decode, decodeBytewise, eventsOf, utf8 } from './test-support.ts';

const events = (text: string | Uint8Array): ReturnType<typeof eventsOf> =>
  eventsOf(decode(typeof text === 'string' ? utf8(text) : text));

function only<K extends SseOutput['kind']>(
  outputs: SseOutput[],
  kind: K,
): Extract<SseOutput, { kind: K }>[] {
  return outputs.filter((o): o is Extract<SseOutput, { kind: K }> => o.kind === kind);
}

describe('SseDecoder: UTF-8', () => {
  it('keeps a multi-byte character whole when it is split across chunks', () => {
    const bytes = bytesOf('data: ', [0xf0, 0x9f, 0x98, 0x80], ' é\n\n'); // 😀 é
    for (let cut = 6; cut <= 10; cut++) {
      const out = decode(bytes, [cut]);
      expect(eventsOf(out)).toEqual([{ data: '😀 é', type: 'message', lastEventId: '' }]);
      expect(out[0]).toMatchObject({ payloadSize: 7, wireSize: bytes.length });
      expect(out[0]?.kind === 'event' && out[0].notes).toBeFalsy();
    }
  });

  it('turns invalid bytes into U+FFFD and notes sse.invalid-utf8 on that event only', () => {
    const out = decode(bytesOf('data: a', [0xc3], 'b\n\ndata: ok\n\n'));
    const [bad, good] = only(out, 'event');
    expect(bad?.payload).toBe('a\uFFFDb');
    expect(bad?.notes?.map((n) => n.code)).toEqual(['sse.invalid-utf8']);
    expect(bad?.payloadSize).toBe(5); // U+FFFD is 3 bytes in UTF-8
    expect(bad?.wireSize).toBe(11); // the wire had 1 byte there
    expect(good?.notes).toBeUndefined();
  });

  it('does not flag a literal U+FFFD sent as valid UTF-8', () => {
    const [event] = only(decode(utf8('data: \uFFFD\n\n')), 'event');
    expect(event?.payload).toBe('\uFFFD');
    expect(event?.notes).toBeUndefined();
  });

  it('flags an invalid byte that is a single unit (exact byte↔text mapping still holds)', () => {
    const out = decode(bytesOf(': x', [0x80], '\ndata: y', [0xff], '\n\n'));
    expect(out.map((o) => o.kind)).toEqual(['comment', 'event']);
    expect(out[0]).toMatchObject({ payload: 'x\uFFFD', wireSize: 5 });
    expect(out[0]?.kind === 'comment' && out[0].notes?.[0]?.code).toBe('sse.invalid-utf8');
    // The comment line is part of the event's block.
    expect(out[1]).toMatchObject({ payload: 'y\uFFFD', wireSize: 15 });
  });
});

describe('SseDecoder: BOM', () => {
  it('strips one leading BOM, also when split across chunks, and counts it on the wire', () => {
    const bytes = bytesOf([0xef, 0xbb, 0xbf], 'data: a\n\n');
    for (const cuts of [[], [1], [2], [1, 2], [3]]) {
      const out = decode(bytes, cuts, { keepRaw: true });
      expect(out).toEqual([
        {
          kind: 'event',
          payload: 'a',
          payloadSize: 1,
          wireSize: 12,
          sse: { event: 'message', lastEventId: '' },
          raw: 'data: a\n\n',
        },
      ]);
    }
  });

  it('keeps a BOM that is not at the very start of the stream', () => {
    expect(events('data: a\n\n\uFEFFdata: b\n\ndata: \uFEFFc\n\n').map((e) => e.data)).toEqual([
      'a',
      '\uFEFFc',
    ]);
  });

  it('keeps a lone partial BOM as text', () => {
    expect(events(bytesOf([0xef, 0xbb], 'data: a\n\ndata: b\n\n')).map((e) => e.data)).toEqual([
      'b',
    ]);
  });
});

describe('SseDecoder: line endings', () => {
  const stream = 'data: a\r\ndata: b\rdata: c\n\r\n';

  it('accepts CR, LF and CRLF', () => {
    expect(events(stream)).toEqual([{ data: 'a\nb\nc', type: 'message', lastEventId: '' }]);
  });

  it('treats CR at the end of one chunk and LF at the start of the next as one line break', () => {
    const bytes = utf8('data: a\r\n\r\ndata: b\r\n\r\n');
    const whole = decode(bytes);
    expect(only(whole, 'event').map((e) => [e.payload, e.wireSize])).toEqual([
      ['a', 11],
      ['b', 11],
    ]);
    for (const cut of [8, 10, 19, 21]) expect(decode(bytes, [cut])).toEqual(whole);
  });

  it('dispatches a CR-terminated event once the next byte shows no LF follows', () => {
    const got: SseOutput[] = [];
    const d = new SseDecoder({ onOutput: (o) => got.push(o) });
    d.feed(utf8('data: a\r\r'));
    expect(got).toEqual([]); // the last CR might be half of a CRLF
    d.feed(utf8('d'));
    expect(eventsOf(got)).toEqual([{ data: 'a', type: 'message', lastEventId: '' }]);
    expect(got[0]).toMatchObject({ wireSize: 9 });
  });

  it('dispatches a CR-terminated event at end()', () => {
    const got: SseOutput[] = [];
    const d = new SseDecoder({ onOutput: (o) => got.push(o) });
    d.feed(utf8('data: a\r\r'));
    d.end();
    expect(got.map((o) => o.kind)).toEqual(['event']);
  });

  it('gives the same outputs for every split', () => {
    const bytes = utf8(stream);
    expect(decodeBytewise(bytes)).toEqual(decode(bytes));
  });
});

describe('SseDecoder: comments', () => {
  it('surfaces each comment with one leading space removed and its own wire size', () => {
    const out = decode(utf8(':ping\n:  two spaces\r\n:\ndata: x\n\n'), [], { keepRaw: true });
    expect(only(out, 'comment')).toEqual([
      { kind: 'comment', payload: 'ping', payloadSize: 4, wireSize: 6, raw: ':ping\n' },
      {
        kind: 'comment',
        payload: ' two spaces',
        payloadSize: 11,
        wireSize: 15,
        raw: ':  two spaces\r\n',
      },
      { kind: 'comment', payload: '', payloadSize: 0, wireSize: 2, raw: ':\n' },
    ]);
    // The event's block holds the comment lines before it.
    expect(only(out, 'event')[0]).toMatchObject({ payload: 'x', wireSize: 32 });
  });

  it('emits comments in stream order with events', () => {
    const out = decode(utf8('data: 1\n\n: keep-alive\n\ndata: 2\n\n'));
    expect(out.map((o) => (o.kind === 'retry' ? o.retry : o.payload))).toEqual([
      '1',
      'keep-alive',
      '2',
    ]);
  });

  it('reports the UTF-8 size of a non-ASCII comment', () => {
    expect(decode(utf8(': héllo\n'))[0]).toMatchObject({ payload: 'héllo', payloadSize: 6 });
  });
});

describe('SseDecoder: fields', () => {
  it('treats a line without a colon as a field name with an empty value', () => {
    expect(events('data\n\nevent\ndata:x\n\n')).toEqual([
      { data: '', type: 'message', lastEventId: '' },
      { data: 'x', type: 'message', lastEventId: '' },
    ]);
  });

  it('strips exactly one space after the colon', () => {
    expect(events('data:a\ndata: b\ndata:  c\ndata:   \n\n')[0]?.data).toBe('a\nb\n c\n  ');
  });

  it('joins data lines with LF and removes the final LF', () => {
    expect(events('data: a\ndata:\ndata: b\n\n')[0]?.data).toBe('a\n\nb');
  });

  it('does not dispatch a block with no data, but still resets the event type', () => {
    expect(events('event: a\n\ndata: x\n\nevent: b\nid: 1\n\n')).toEqual([
      { data: 'x', type: 'message', lastEventId: '' },
    ]);
  });

  it('resets the event type after each dispatch', () => {
    expect(events('event: a\ndata: 1\n\ndata: 2\n\n').map((e) => e.type)).toEqual(['a', 'message']);
  });

  it('compares field names exactly (no case folding, no trimming)', () => {
    expect(events('DATA: x\nData: y\n data: z\ndata : w\n\ndata: ok\n\n')).toEqual([
      { data: 'ok', type: 'message', lastEventId: '' },
    ]);
  });

  it('ignores unknown fields, noting them', () => {
    const [e] = only(decode(utf8('date: typo\nfoo\ndata: x\n\n')), 'event');
    expect(e?.payload).toBe('x');
    expect(e?.notes).toEqual([
      { code: 'sse.unknown-field', message: 'Unknown field "date" was ignored' },
    ]);
  });
});

describe('SseDecoder: id and last event ID', () => {
  it('reports the last event ID in force at dispatch and the event’s own id', () => {
    expect(events('id: 7\ndata: a\n\ndata: b\n\nid: 8\nid: 9\ndata: c\n\n')).toEqual([
      { data: 'a', type: 'message', lastEventId: '7', id: '7' },
      { data: 'b', type: 'message', lastEventId: '7' },
      { data: 'c', type: 'message', lastEventId: '9', id: '9' },
    ]);
  });

  it('ignores an id containing NUL, noting it, and keeps the one in force', () => {
    const out = decode(utf8('id: 1\n\nid: a\0b\ndata: x\n\n'));
    const [e] = only(out, 'event');
    expect(e?.sse).toEqual({ event: 'message', lastEventId: '1' });
    expect(e?.notes?.map((n) => n.code)).toEqual(['sse.id-ignored']);
  });

  it('exposes the last event ID string for reconnects, updated only by a blank line', () => {
    const d = new SseDecoder({ onOutput: () => undefined });
    d.feed(utf8('id: 1\n'));
    expect(d.lastEventId).toBe('');
    d.feed(utf8('\nid: 2\n'));
    expect(d.lastEventId).toBe('1');
    d.end(); // the unterminated block's id never takes effect
    expect(d.lastEventId).toBe('1');
  });

  it('keeps a non-ASCII id intact', () => {
    expect(events('id: é€😀\ndata: x\n\n')[0]?.lastEventId).toBe('é€😀');
  });
});

describe('SseDecoder: retry', () => {
  it('reports retry values made of ASCII digits at once, dispatch or not', () => {
    const out = decode(utf8('retry: 1500\n\nretry: 20\ndata: x\n\n'));
    expect(out.map((o) => o.kind)).toEqual(['retry', 'retry', 'event']);
    expect(only(out, 'retry').map((o) => o.retry)).toEqual([1500, 20]);
    expect(only(out, 'event')[0]?.sse.retry).toBe(20);
  });

  it.each(['', '-1', '1.5', '  10', '10 ', '1e3', '0x10', '١٢'])(
    'ignores retry "%s" and notes it',
    (value) => {
      const out = decode(utf8(`retry:${value}\ndata: x\n\n`));
      expect(only(out, 'retry')).toEqual([]);
      const [e] = only(out, 'event');
      expect(e?.sse.retry).toBeUndefined();
      expect(e?.notes?.map((n) => n.code)).toEqual(['sse.retry-ignored']);
    },
  );
});

describe('SseDecoder: end of stream', () => {
  it('reports an unterminated block as incomplete with what it held', () => {
    const out = decode(utf8('data: 1\n\nevent: t\nid: 5\ndata: a\ndata: b\nda'), [], {
      keepRaw: true,
    });
    expect(out).toEqual([
      expect.objectContaining({ kind: 'event', payload: '1' }),
      {
        kind: 'incomplete',
        payload: 'a\nb',
        payloadSize: 3,
        wireSize: 33,
        sse: { event: 't', lastEventId: '', id: '5' },
        partialLine: 'da',
        notes: [
          {
            code: 'sse.unterminated-event',
            message: 'The stream ended before the blank line that would dispatch this event',
          },
        ],
        raw: 'event: t\nid: 5\ndata: a\ndata: b\nda',
      },
    ]);
  });

  it('reports nothing when the stream ends between blocks or after comments only', () => {
    expect(decode(utf8('data: 1\n\n'))).toHaveLength(1);
    expect(decode(utf8('data: 1\n\n: bye\n')).map((o) => o.kind)).toEqual(['event', 'comment']);
  });

  it('reports a lone partial line', () => {
    expect(decode(utf8('data: x'))).toEqual([
      expect.objectContaining({
        kind: 'incomplete',
        payload: '',
        partialLine: 'data: x',
        wireSize: 7,
      }),
    ]);
  });

  it('ignores feeds after end()', () => {
    const got: SseOutput[] = [];
    const d = new SseDecoder({ onOutput: (o) => got.push(o) });
    d.end();
    d.feed(utf8('data: x\n\n'));
    d.end();
    expect(got).toEqual([]);
  });
});

describe('SseDecoder: sizes and raw text', () => {
  it('measures a block from after the previous blank line through its own', () => {
    const text = '\uFEFF: hi\r\ndata: é\n\n\n\nid: 1\r\r\nevent: x\ndata: 😀\r\n\r\n';
    const bytes = utf8(text);
    const out = decode(bytes);
    const [a, b] = only(out, 'event');
    expect(a?.wireSize).toBe(3 + 6 + 9 + 1); // BOM, comment, data line, blank line
    // '\n', '\n' and 'id: 1\r' + '\r\n' are blocks of their own (none dispatched).
    expect(b?.wireSize).toBe(9 + 12 + 2);
    expect(b?.sse.lastEventId).toBe('1');
    expect(a?.payloadSize).toBe(2);
    expect(b?.payloadSize).toBe(4);
  });

  it('keeps the raw block text across chunks only when asked', () => {
    const bytes = utf8(': c\nid: 1\ndata: a\ndata: b\n\n');
    expect(only(decode(bytes), 'event')[0]?.raw).toBeUndefined();
    for (const cuts of [[], [5], [5, 12, 20]]) {
      expect(only(decode(bytes, cuts, { keepRaw: true }), 'event')[0]?.raw).toBe(
        ': c\nid: 1\ndata: a\ndata: b\n\n',
      );
    }
  });

  it('counts bytes fed', () => {
    const d = new SseDecoder({ onOutput: () => undefined });
    d.feed(utf8('data: a\n\ndata'));
    d.feed(utf8(': b\r'));
    expect(d.bytesFed).toBe(17);
  });
});

describe('SseDecoder: limits', () => {
  const max = 64;

  it('truncates an over-long data line, notes it, and goes on at the next line', () => {
    const long = 'y'.repeat(200);
    const bytes = utf8(`data: ${long}\ndata: z\n\ndata: next\n\n`);
    const whole = decode(bytes, [], { maxEventSize: max });
    const [big, next] = only(whole, 'event');
    expect(big?.payload).toBe(`${'y'.repeat(max - 6)}\nz`);
    expect(big?.notes?.map((n) => n.code)).toEqual(['sse.event-too-large']);
    expect(big?.wireSize).toBe(6 + 200 + 1 + 8 + 1);
    expect(next?.payload).toBe('next');
    // The same, however the long line arrives.
    expect(decodeBytewise(bytes, { maxEventSize: max })).toEqual(whole);
    for (const cut of [3, 40, 64, 65, 100, 206, 207]) {
      expect(decode(bytes, [cut], { maxEventSize: max })).toEqual(whole);
    }
  });

  it('caps the data of an event made of many lines', () => {
    const bytes = utf8(`${'data: 0123456789\n'.repeat(20)}\n`);
    const [e] = only(decode(bytes, [], { maxEventSize: max }), 'event');
    expect(e?.payload).toBe(Array(5).fill('0123456789').join('\n'));
    expect(e?.notes?.map((n) => n.code)).toEqual(['sse.event-too-large']);
    expect(e?.wireSize).toBe(bytes.length);
  });

  it('never ignores an over-long id or retry value, but never applies a cut one', () => {
    const out = decode(utf8(`id: ${'9'.repeat(100)}\nretry: ${'9'.repeat(100)}\ndata: x\n\n`), [], {
      maxEventSize: max,
    });
    expect(out.map((o) => o.kind)).toEqual(['event']);
    expect(only(out, 'event')[0]).toMatchObject({
      sse: { event: 'message', lastEventId: '' },
      notes: [expect.objectContaining({ code: 'sse.event-too-large' })],
    });
  });

  it('holds at most the limit of a stream without line breaks', () => {
    const d = new SseDecoder({ onOutput: () => undefined, maxEventSize: 1024 });
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 256; i++) d.feed(chunk); // 16 MiB
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
    expect(d.bytesFed).toBe(16 * 1024 * 1024);
  });

  it('truncates an over-long comment, with the note on the comment', () => {
    const out = decode(utf8(`:${'c'.repeat(100)}\r\n`), [], { maxEventSize: max });
    expect(out).toEqual([
      {
        kind: 'comment',
        payload: 'c'.repeat(max - 1),
        payloadSize: max - 1,
        wireSize: 103,
        notes: [expect.objectContaining({ code: 'sse.event-too-large' })],
      },
    ]);
  });

  it('reports an unterminated over-long line at end()', () => {
    const out = decode(utf8(`data: ${'q'.repeat(100)}`), [7], { maxEventSize: max });
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'incomplete',
        partialLine: `data: ${'q'.repeat(max - 6)}`,
        wireSize: 106,
      }),
    ]);
  });
});

describe('a resumed stream', () => {
  it('starts from the last event ID carried over, until the stream sets another', () => {
    const outputs: SseOutput[] = [];
    const decoder = new SseDecoder({ lastEventId: '41', onOutput: (out) => outputs.push(out) });
    decoder.feed(new TextEncoder().encode('data: a\n\nid: 42\ndata: b\n\nid\ndata: c\n\n'));
    const events = outputs.filter((o) => o.kind === 'event');
    expect(events.map((e) => e.sse.lastEventId)).toEqual(['41', '42', '']);
    expect(decoder.lastEventId).toBe('');
  });
});
