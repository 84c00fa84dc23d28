/**
 * Payload trees through the API: an opened session's binary entries, with or without a protocol
 * read in them, come back from getProtocolDetail with their msgpack/CBOR tree.
 */
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { encode as encodeCbor } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { InspectorService } from '../../service.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function line(value: unknown): string {
  return JSON.stringify(value);
}

describe('getProtocolDetail with payload trees', () => {
  it('a raw binary msgpack message gets a detail with no messages and its tree; text and non-trees stay null', async () => {
    const service = new InspectorService({ version: 'test', host: 'server' });
    const msgpack = encodeMsgpack({ user: 'ann', tags: [1, 2] });
    const cbor = encodeCbor(new Map<unknown, unknown>([[1, 'one']]));
    const entry = (seq: number, payload: Uint8Array | string) => ({
      type: 'entry',
      seq,
      connectionId: 'c1',
      time: 1000 + seq,
      direction: 'in',
      kind: typeof payload === 'string' ? 'text' : 'binary',
      payload: typeof payload === 'string' ? payload : b64(payload),
      ...(typeof payload === 'string' ? {} : { payloadEncoding: 'base64' }),
      payloadSize: payload.length,
      wireSize: payload.length + 2,
    });
    const text = [
      line({ type: 'telltale', version: 1, created: 1000 }),
      line({
        type: 'connection',
        id: 'c1',
        kind: 'ws',
        source: 'import',
        url: 'ws://127.0.0.1:1/feed',
        method: 'GET',
        requestHeaders: [],
        state: 'closed',
        openedAt: 1000,
        bytesOut: 0,
        bytesIn: 0,
      }),
      line(entry(1, msgpack)),
      line(entry(2, cbor)),
      line(entry(3, '{"not":"binary"}')),
      line(entry(4, new Uint8Array([0x05, 0x06]))),
    ].join('\n');
    await service.importSession({ fileName: 'trees.ndjson', text });

    expect(await service.getProtocolDetail(1)).toEqual({
      annotation: { seq: 1, connectionId: 'c1', direction: 'in', time: 1001, messages: [] },
      trees: [],
      pairs: [],
      payload: { format: 'msgpack', tree: { user: 'ann', tags: [1, 2] }, truncated: false },
    });
    expect((await service.getProtocolDetail(2))?.payload).toEqual({
      format: 'cbor',
      tree: { $map: [[1, 'one']] },
      truncated: false,
    });
    expect(await service.getProtocolDetail(3)).toBeNull();
    expect(await service.getProtocolDetail(4)).toBeNull();
    await service.closeAll();
  });
});
