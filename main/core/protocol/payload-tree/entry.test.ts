import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../../shared/model/entry.ts';
import { testConnection } from '../dissect/test-support.ts';
import { entryPayloadTree } from './entry.ts';

function entry(payload: Entry['payload'], direction: Entry['direction'] = 'in'): Entry {
  const size = typeof payload === 'string' ? payload.length : payload.length;
  return {
    seq: 1,
    connectionId: 'c',
    time: 0,
    direction,
    kind: typeof payload === 'string' ? 'text' : 'binary',
    payload,
    payloadSize: size,
    wireSize: size,
  };
}

describe('entryPayloadTree', () => {
  it('binary entries only', () => {
    expect(entryPayloadTree(entry(encodeMsgpack({ a: 1 })))).toMatchObject({
      format: 'msgpack',
      tree: { a: 1 },
    });
    expect(entryPayloadTree(entry('{"a":1}'))).toBeUndefined();
  });

  it('the exchange names the format to try first: content type on that side, or subprotocol', () => {
    // 0x80: an empty map in msgpack, an empty array in CBOR.
    const both = new Uint8Array([0x80]);
    const http = testConnection('c', {
      kind: 'http',
      requestHeaders: [['Content-Type', 'application/cbor']],
      response: {
        status: 200,
        statusText: 'OK',
        headers: [['content-type', 'application/msgpack']],
      },
    });
    expect(entryPayloadTree(entry(both, 'out'), http)?.format).toBe('cbor');
    expect(entryPayloadTree(entry(both, 'in'), http)?.format).toBe('msgpack');
    const ws = testConnection('c', { protocol: 'v1.cbor.example' });
    expect(entryPayloadTree(entry(both), ws)).toEqual({
      format: 'cbor',
      tree: [],
      truncated: false,
    });
    expect(entryPayloadTree(entry(both), testConnection('c'))?.format).toBe('msgpack');
  });
});
