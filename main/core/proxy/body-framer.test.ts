import { describe, expect, it } from 'vitest';
import { BodyFramer } from './body-framer.ts';
import type { BodyMode } from './body-framer.ts';

/** Feeds `wire` split at every position given; returns consumed total, payload and done. */
function run(mode: BodyMode, wire: Buffer, cuts: number[]) {
  const payload: Buffer[] = [];
  const framer = new BodyFramer(mode, (p) => payload.push(Buffer.from(p)));
  let consumed = 0;
  let error: string | undefined;
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    const piece = wire.subarray(at, cut);
    at = cut;
    const result = framer.push(piece);
    consumed += result.consumed;
    error ??= result.error?.code;
    if (result.done) break;
  }
  return { consumed, payload: Buffer.concat(payload).toString(), done: framer.done, error };
}

describe('BodyFramer', () => {
  const chunked = Buffer.from(
    '5;name=v\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nTrailer: x\r\n\r\nNEXT',
  );

  it('finds the end of a chunked body with extensions and trailers, at any split', () => {
    for (let a = 0; a < chunked.length; a++) {
      for (let b = a; b < chunked.length; b += 3) {
        const got = run({ kind: 'chunked' }, chunked, [a, b]);
        expect(got).toEqual({
          consumed: chunked.length - 4,
          payload: 'hello world!',
          done: true,
          error: undefined,
        });
      }
    }
  });

  it('stops a Content-Length body at its length', () => {
    expect(run({ kind: 'length', length: 3 }, Buffer.from('abcdef'), [1])).toMatchObject({
      consumed: 3,
      payload: 'abc',
      done: true,
    });
  });

  it('has no body for none, and reads to the end for close', () => {
    expect(new BodyFramer({ kind: 'none' }).done).toBe(true);
    expect(run({ kind: 'close' }, Buffer.from('all of it'), [4])).toMatchObject({
      consumed: 9,
      payload: 'all of it',
      done: false,
    });
  });

  it('reports a bad chunk size as a typed error instead of throwing', () => {
    expect(run({ kind: 'chunked' }, Buffer.from('zz\r\nabc'), [])).toMatchObject({
      error: 'http.bad-chunk-size',
      consumed: 7,
    });
    expect(run({ kind: 'chunked' }, Buffer.from('1\r\nab\r\n'), [])).toMatchObject({
      error: 'http.bad-chunk-end',
    });
  });
});
