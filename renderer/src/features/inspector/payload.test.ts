import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  decodePayload,
  hexLines,
  parseJson,
} from './payload.ts';

describe('payload helpers', () => {
  it('round-trips bytes through base64 and prints hex', () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255]);
    expect(bytesToBase64(bytes)).toBe('AAF/gP8=');
    expect([...base64ToBytes('AAF/gP8=')]).toEqual([...bytes]);
    expect(bytesToHex(bytes)).toBe('00 01 7f 80 ff');
  });

  it('decodes text payloads as text and JSON, base64 payloads as bytes', () => {
    const text = decodePayload({ payload: '{"a":[1,"é"]}' });
    expect(text.binary).toBe(false);
    expect(text.json?.value).toEqual({ a: [1, 'é'] });
    expect(text.bytes.length).toBe(14);
    const binary = decodePayload({ payload: 'SGk=', payloadEncoding: 'base64' });
    expect(binary).toMatchObject({ binary: true, text: 'Hi', json: null });
    expect(parseJson('42')).toBeNull();
    expect(parseJson('{oops')).toBeNull();
  });

  it('lays out 16 bytes a line with offsets, a gap after eight and printable ASCII', () => {
    const bytes = new Uint8Array(20).map((_, i) => 0x41 + i);
    bytes[1] = 0x0a;
    const lines = hexLines(bytes);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      offset: '00000000',
      hex: '41 0a 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50',
      ascii: 'A.CDEFGHIJKLMNOP',
    });
    expect(lines[1]?.offset).toBe('00000010');
    expect(lines[1]?.ascii).toBe('QRST');
    expect(lines[1]?.hex.length).toBe(lines[0]?.hex.length);
  });
});
