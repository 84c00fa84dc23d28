import { describe, expect, it } from 'vitest';
import { formatJsonPath, getAtPath, guessTextPath, parseJsonPath } from './json-path.ts';
import { DeltaTiming } from './timing.ts';

describe('JSON paths of generic mode', () => {
  it('parses $-prefixed, dotted and bracketed forms alike', () => {
    expect(parseJsonPath('$.choices[0].text')).toEqual(['choices', 0, 'text']);
    expect(parseJsonPath('choices.0.text')).toEqual(['choices', 0, 'text']);
    expect(parseJsonPath('token')).toEqual(['token']);
    expect(formatJsonPath(['choices', 0, 'text'])).toBe('choices[0].text');
  });

  it('refuses malformed paths instead of guessing', () => {
    for (const bad of ['', '$', 'a..b', 'a[x]', 'a]']) expect(parseJsonPath(bad)).toBeUndefined();
  });

  it('reads values and guesses the text field of a token event', () => {
    expect(getAtPath({ a: [{ b: 'x' }] }, ['a', 0, 'b'])).toBe('x');
    expect(getAtPath({ a: 1 }, ['a', 'b'])).toBeUndefined();
    expect(guessTextPath({ id: 3, token: 'hi' })).toEqual(['token']);
    expect(guessTextPath({ data: { delta: { text: 'x' } } })).toEqual(['data', 'delta', 'text']);
    expect(guessTextPath({ n: 1 })).toBeUndefined();
  });
});

describe('delta timing', () => {
  it('gives nearest-rank percentiles, the max, and stalls over the threshold', () => {
    const timing = new DeltaTiming(1000);
    const times = [0, 10, 20, 30, 1530, 1540];
    times.forEach((t, i) => {
      timing.add(t, i + 1);
    });
    expect(timing.gapStats()).toEqual({ p50: 10, p95: 1500, max: 1500 });
    expect(timing.stalls).toEqual([{ seq: 5, afterSeq: 4, gapMs: 1500 }]);
    expect(timing.count).toBe(6);
  });

  it('gives the same figures read once at the end or after every delta (the live path)', () => {
    const once = new DeltaTiming(1000);
    const live = new DeltaTiming(1000);
    let t = 0;
    for (let i = 1; i <= 500; i++) {
      t += (i * 7919) % 97;
      once.add(t, i);
      live.add(t, i);
      live.gapStats();
    }
    expect(live.gapStats()).toEqual(once.gapStats());
  });
});
