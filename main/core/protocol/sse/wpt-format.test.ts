import { describe, expect, it } from 'vitest';
import { wptFormatCases } from './fixtures/wpt-format.ts';
import { decode, decodeBytewise, eventsOf } from './test-support.ts';
import type { SseOutput } from './sse-output.ts';

function check(outputs: SseOutput[], c: (typeof wptFormatCases)[number]): void {
  expect(eventsOf(outputs)).toEqual(c.events);
  if (c.retries !== undefined) {
    expect(outputs.flatMap((o) => (o.kind === 'retry' ? [o.retry] : []))).toEqual(c.retries);
  }
  if (c.comments !== undefined) {
    expect(outputs.flatMap((o) => (o.kind === 'comment' ? [o.payload] : []))).toEqual(c.comments);
  }
  const incomplete = outputs.filter((o) => o.kind === 'incomplete');
  if (c.incompleteData === undefined) {
    expect(incomplete).toEqual([]);
  } else {
    expect(incomplete.map((o) => o.payload)).toEqual([c.incompleteData]);
  }
}

describe('web-platform-tests eventsource/format-* cases', () => {
  it.each(wptFormatCases.map((c) => [`${c.wpt}: ${c.what}`, c] as const))('%s', (_name, c) => {
    const whole = decode(c.stream);
    check(whole, c);
    // The same outputs for one byte per feed and for every single cut.
    expect(decodeBytewise(c.stream)).toEqual(whole);
    for (let cut = 1; cut < c.stream.length; cut++) {
      expect(decode(c.stream, [cut])).toEqual(whole);
    }
  });
});
