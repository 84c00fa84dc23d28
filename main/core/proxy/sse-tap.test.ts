import { afterAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../session/store.ts';
import { ExchangeRecord } from './exchange-record.ts';
import { SseDecodeOffload } from './sse-decode-offload.ts';
import { SseTap } from './sse-tap.ts';

function recordIn(store: SessionStore): ExchangeRecord {
  return new ExchangeRecord(store, {
    kind: 'sse',
    url: 'http://127.0.0.1/events',
    method: 'GET',
    requestHeaders: [],
  });
}

/** What a tap records for `body` fed in `pieces`-byte pieces (kind, payload, wire size, sse). */
async function tapped(body: Buffer, pieces: number, offload: SseDecodeOffload | null) {
  const store = new SessionStore();
  const tap = new SseTap(recordIn(store), '', { offload });
  for (let at = 0; at < body.length; at += pieces) tap.push(body.subarray(at, at + pieces));
  await tap.end();
  return [...store.allEntries()].map((e) => ({
    kind: e.kind,
    payload: e.payload,
    wireSize: e.wireSize,
    sse: e.sse,
    notes: e.notes,
  }));
}

const offloads: SseDecodeOffload[] = [];
afterAll(async () => {
  for (const offload of offloads) await offload.close();
});

describe('SseTap decoding on a worker', () => {
  it('records what inline decoding records, for any split', async () => {
    const offload = new SseDecodeOffload();
    offloads.push(offload);
    const body = Buffer.from(
      ': hello\n\nid: 1\nevent: tick\ndata: one\ndata: two\n\n' +
        'data: é𝄞 split\r\n\r\nretry: 10\ndata: x\n\n' +
        'data: ' +
        'y'.repeat(100_000) +
        '\n\ndata: unfinished',
      'utf8',
    );
    const inline = await tapped(body, body.length, null);
    expect(inline.map((e) => e.kind)).toEqual([
      'comment',
      'event',
      'event',
      'event',
      'event',
      'error',
    ]);
    for (const pieces of [1, 7, 4096, body.length]) {
      expect(await tapped(body, pieces, offload)).toEqual(inline);
    }
  });

  it('stops decoding when its queue is full, says how much was not decoded, never throws', async () => {
    const offload = new SseDecodeOffload({ maxQueuedBytes: 64 });
    offloads.push(offload);
    const store = new SessionStore();
    const tap = new SseTap(recordIn(store), '', { offload });
    const event = Buffer.from('data: 0123456789\n\n'); // 18 bytes
    // All in one turn: the worker cannot have answered yet, so the fifth piece overruns.
    for (let i = 0; i < 10; i++) tap.push(event);
    await tap.end();
    const entries = [...store.allEntries()];
    const events = entries.filter((e) => e.kind === 'event');
    const errors = entries.filter((e) => e.kind === 'error');
    expect(events).toHaveLength(3);
    expect(errors.map((e) => e.payload)).toEqual([
      'decoder fell behind: decoding stopped after 54 bytes; 126 bytes not decoded so far, the rest will not be (forwarding is not affected)',
      'decoder fell behind: 126 bytes not decoded (the stream was forwarded whole)',
    ]);
    expect(errors.every((e) => e.notes?.[0]?.code === 'proxy.tap-overrun')).toBe(true);
    // The errors come after the events that were decoded.
    expect(entries.indexOf(errors[0] as (typeof entries)[number])).toBeGreaterThan(
      entries.indexOf(events[2] as (typeof entries)[number]),
    );
  });
});
