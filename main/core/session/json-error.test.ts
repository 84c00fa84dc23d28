import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-error.ts';

describe('locateJsonError', () => {
  it('finds nothing wrong with valid JSON', () => {
    for (const text of [
      '{}',
      ' [1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": []}] ',
      '"x"',
    ]) {
      expect(locateJsonError(text)).toBeUndefined();
    }
  });

  it('gives the line and column of the first problem', () => {
    expect(locateJsonError('{"a": 1,\n "b" 2}')).toEqual({
      offset: 14,
      line: 2,
      column: 6,
      problem: 'expected ":"',
    });
    expect(locateJsonError('[01]')?.problem).toBe('expected "," or "]"');
    expect(locateJsonError('{"a":"\t"}')?.problem).toBe('control character in string');
    expect(locateJsonError('{"a":"\\x"}')?.problem).toBe('bad escape in string');
    expect(locateJsonError('{} {}')?.problem).toBe('unexpected text after the JSON value');
    expect(locateJsonError('{"a": [1, 2')?.problem).toBe(
      'unexpected end of file: it was cut short',
    );
  });

  it('agrees with JSON.parse on what is valid', () => {
    const samples = ['{"a":1}', '{"a":1,}', '[,]', 'nul', '-', '1.', '"\\u12"', '[1]]', ''];
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(locateJsonError(text) === undefined).toBe(valid);
    }
  });
});
