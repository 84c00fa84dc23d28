import { describe, expect, it } from 'vitest';
import { buildMessage, jsonError, parseHex, prettyJson } from './message.ts';

describe('composer messages', () => {
  it('sends text as text and counts UTF-8 bytes', () => {
    expect(buildMessage('text', 'héllo')).toEqual({
      ok: true,
      message: { kind: 'text', text: 'héllo' },
      size: 6,
    });
  });

  it('validates JSON and says where it breaks', () => {
    expect(buildMessage('json', '{"a":1}')).toMatchObject({
      ok: true,
      message: { kind: 'text', text: '{"a":1}' },
    });
    const bad = buildMessage('json', '{\n  "a": 1,\n}');
    expect(bad.ok).toBe(false);
    expect(jsonError('{\n  "a": 1,\n}')).toMatch(/^Invalid JSON at line 3, column 1/);
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('nope')).toBeNull();
  });

  it('reads hex in the usual spellings and refuses odd or foreign digits', () => {
    expect([...(parseHex('de ad BE ef') as Uint8Array)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect([...(parseHex('0x01, 0x02:03') as Uint8Array)]).toEqual([1, 2, 3]);
    expect(parseHex('abc')).toMatch(/Odd number of hex digits \(3\)/);
    expect(parseHex('zz')).toMatch(/Not a hex digit: “z”/);
    expect(buildMessage('hex', 'ff 00')).toEqual({
      ok: true,
      message: { kind: 'binary', base64: '/wA=' },
      size: 2,
    });
  });

  it('checks base64 and measures its bytes', () => {
    expect(buildMessage('base64', 'SGVs bG8=')).toEqual({
      ok: true,
      message: { kind: 'binary', base64: 'SGVsbG8=' },
      size: 5,
    });
    expect(buildMessage('base64', 'SGVsbG8').ok).toBe(false);
  });
});
