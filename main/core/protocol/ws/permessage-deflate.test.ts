import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WS_NOTE } from './notes.ts';
import { parsePerMessageDeflate, PerMessageInflater } from './permessage-deflate.ts';
import type { PerMessageDeflateParams } from './permessage-deflate.ts';
import { comparable, concat, decodeStream, frame, TestDeflater } from './test-frames.ts';
import type { FrameSpec } from './test-frames.ts';

const defaults = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
  problems: [],
};

describe('parsePerMessageDeflate', () => {
  it.each<[string, Partial<PerMessageDeflateParams> | null]>([
    ['permessage-deflate', {}],
    ['PerMessage-Deflate ;  client_max_window_bits', {}],
    [
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
    ],
    [
      'permessage-deflate; server_max_window_bits=10; client_max_window_bits="9"',
      { serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
    ],
    [
      'x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=12, permessage-deflate',
      { serverMaxWindowBits: 12 },
    ],
    ['x-webkit-deflate-frame; no_context_takeover', null],
    ['', null],
  ])('%s', (header, expected) => {
    const parsed = parsePerMessageDeflate(header);
    if (expected === null) expect(parsed).toBeNull();
    else expect(parsed).toEqual({ ...defaults, ...expected });
  });

  it('reports invalid, unknown and repeated parameters and falls back to defaults', () => {
    const parsed = parsePerMessageDeflate(
      'permessage-deflate; server_max_window_bits=16; client_max_window_bits=abc; foo=1; ' +
        'server_no_context_takeover=yes; server_no_context_takeover; server_max_window_bits',
    );
    expect(parsed?.serverMaxWindowBits).toBe(15);
    expect(parsed?.clientMaxWindowBits).toBe(15);
    expect(parsed?.serverNoContextTakeover).toBe(true);
    expect(parsed?.problems).toEqual([
      'server_max_window_bits=16 is not an integer from 8 to 15',
      'client_max_window_bits=abc is not an integer from 8 to 15',
      'unknown parameter foo',
      'server_no_context_takeover takes no value',
      'parameter server_no_context_takeover repeated',
      'parameter server_max_window_bits repeated',
    ]);
  });

  it('keeps commas and semicolons inside quoted values', () => {
    const parsed = parsePerMessageDeflate(
      'permessage-deflate; foo="a,b;c"; server_max_window_bits=9',
    );
    expect(parsed?.serverMaxWindowBits).toBe(9);
    expect(parsed?.problems).toEqual(['unknown parameter foo']);
  });
});

async function compressAll(
  messages: (string | Uint8Array)[],
  options: { windowBits?: number; noContextTakeover?: boolean } = {},
): Promise<Uint8Array[]> {
  const deflater = new TestDeflater(options);
  const out: Uint8Array[] = [];
  for (const m of messages) out.push(await deflater.compress(m));
  deflater.close();
  return out;
}

function jsonMessages(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      seq: i,
      kind: 'update',
      text: 'the same words again and again '.repeat(i % 7),
      n: i * 17,
    }),
  );
}

describe('PerMessageInflater', () => {
  it('follows the shared window over many messages with context takeover', async () => {
    const messages = jsonMessages(2000);
    const compressed = await compressAll(messages);
    const inflater = new PerMessageInflater(true, 1 << 20);
    compressed.forEach((c, i) => {
      const r = inflater.inflate(c);
      expect(r.ok && r.data.toString('utf8')).toBe(messages[i]);
    });
    // Context takeover pays off: later messages compress to back-references.
    expect((compressed[1999] as Uint8Array).length).toBeLessThan(
      Buffer.byteLength(messages[1999] ?? '') / 4,
    );
  });

  it('decodes messages larger than the 32 KiB window and windows smaller than 15 bits', async () => {
    const messages = [
      randomBytes(50_000).toString('hex'),
      'tail '.repeat(10),
      randomBytes(40_000).toString('base64'),
    ];
    for (const windowBits of [9, 12, 15]) {
      const compressed = await compressAll(messages, { windowBits });
      const inflater = new PerMessageInflater(true, 1 << 20);
      compressed.forEach((c, i) => {
        const r = inflater.inflate(c);
        expect(r.ok && r.data.toString('utf8')).toBe(messages[i]);
      });
    }
  });

  it('without context takeover inflates each message alone', async () => {
    const messages = jsonMessages(50);
    const compressed = await compressAll(messages, { noContextTakeover: true });
    const inflater = new PerMessageInflater(false, 1 << 20);
    // Order does not matter when there is no shared context.
    for (const i of [3, 1, 49, 0]) {
      const r = inflater.inflate(compressed[i] as Uint8Array);
      expect(r.ok && r.data.toString('utf8')).toBe(messages[i]);
    }
  });

  it('flags a deflate bomb without expanding it, and then reports the lost context', async () => {
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    const inflater = new PerMessageInflater(true, 1 << 20);
    const r = inflater.inflate(bomb);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(WS_NOTE.inflateTooLarge);
    expect(inflater.contextLost).toBe(true);
    const [next] = await compressAll(['hello']);
    const after = inflater.inflate(next as Uint8Array);
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.code).toBe(WS_NOTE.inflateError);
  });

  it('reports corrupt data as an inflate error, and keeps going without context takeover', async () => {
    const inflater = new PerMessageInflater(false, 1 << 20);
    const r = inflater.inflate(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(WS_NOTE.inflateError);
    expect(inflater.contextLost).toBe(false);
    const [ok] = await compressAll(['still fine'], { noContextTakeover: true });
    const after = inflater.inflate(ok as Uint8Array);
    expect(after.ok && after.data.toString()).toBe('still fine');
  });
});

describe('permessage-deflate through the decoder (Autobahn 12.x / 13.x)', () => {
  const deflate = parsePerMessageDeflate('permessage-deflate; client_max_window_bits=15');

  // 12.x: message sizes from tiny to large, text and binary, with context takeover.
  it.each([16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072])(
    '12.1.x text messages of %i bytes with context takeover',
    async (size) => {
      const messages = Array.from({ length: 20 }, (_, i) =>
        `${i}:`.concat('Hello, world! κόσμε '.repeat(Math.ceil(size / 20))).slice(0, size),
      );
      const compressed = await compressAll(messages);
      const stream = concat(
        compressed.map((c) => frame({ opcode: 1, rsv1: true, payload: c, mask: true })),
      );
      const out = decodeStream(stream, { direction: 'out', deflate }, 4093);
      expect(out.map((m) => m.payload)).toEqual(messages);
      out.forEach((m, i) => {
        expect(m.frame?.rsv1).toBe(true);
        expect(m.frame?.compressedSize).toBe(compressed[i]?.length);
        expect(m.payloadSize).toBe(Buffer.byteLength(messages[i] ?? ''));
        expect(m.notes).toBeUndefined();
      });
    },
  );

  it('12.2.x binary messages, compressed message split into fragments', async () => {
    const messages = Array.from({ length: 10 }, (_, i) => Buffer.from('binary-'.repeat(300 + i)));
    const compressed = await compressAll(messages);
    const specs: FrameSpec[] = [];
    for (const c of compressed) {
      const third = Math.floor(c.length / 3);
      specs.push(
        { opcode: 2, rsv1: true, fin: false, payload: c.subarray(0, third), mask: true },
        { opcode: 0, fin: false, payload: c.subarray(third, 2 * third), mask: true },
        { opcode: 0, payload: c.subarray(2 * third), mask: true },
      );
    }
    const out = decodeStream(concat(specs.map((s) => frame(s))), { direction: 'out', deflate });
    out.forEach((m, i) => {
      expect(Buffer.from(m.payload as Uint8Array).equals(messages[i] as Buffer)).toBe(true);
      expect(m.frame?.fragments).toBe(3);
    });
  });

  it('13.2.x server_no_context_takeover: server messages inflate independently', async () => {
    const params = parsePerMessageDeflate('permessage-deflate; server_no_context_takeover');
    const messages = jsonMessages(30);
    const compressed = await compressAll(messages, { noContextTakeover: true });
    const stream = concat(compressed.map((c) => frame({ opcode: 1, rsv1: true, payload: c })));
    const out = decodeStream(stream, { direction: 'in', deflate: params });
    expect(out.map((m) => m.payload)).toEqual(messages);
  });

  it('13.3.x small client_max_window_bits', async () => {
    const params = parsePerMessageDeflate('permessage-deflate; client_max_window_bits=9');
    const messages = jsonMessages(100);
    const compressed = await compressAll(messages, { windowBits: 9 });
    const stream = concat(
      compressed.map((c) => frame({ opcode: 1, rsv1: true, payload: c, mask: true })),
    );
    expect(
      decodeStream(stream, { direction: 'out', deflate: params }).map((m) => m.payload),
    ).toEqual(messages);
  });

  it('mixes compressed and uncompressed messages, and empty compressed ones', async () => {
    const deflater = new TestDeflater();
    const specs: FrameSpec[] = [
      { opcode: 1, rsv1: true, payload: await deflater.compress('first'), mask: true },
      { opcode: 1, payload: 'plain', mask: true },
      { opcode: 1, rsv1: true, payload: await deflater.compress(''), mask: true },
      { opcode: 1, rsv1: true, payload: new Uint8Array(0), mask: true },
      { opcode: 1, rsv1: true, payload: await deflater.compress('first again'), mask: true },
    ];
    deflater.close();
    const out = decodeStream(concat(specs.map((s) => frame(s))), { direction: 'out', deflate });
    expect(out.map((m) => m.payload)).toEqual(['first', 'plain', '', '', 'first again']);
  });

  it('flags RSV1 on a continuation frame and a bomb over maxInflatedSize', async () => {
    const bomb = deflateRawSync(Buffer.alloc(8 * 1024 * 1024));
    const [hello] = await compressAll(['hello']);
    const stream = concat([
      frame({ opcode: 2, rsv1: true, payload: bomb, mask: true }),
      frame({ opcode: 1, rsv1: true, payload: hello, mask: true }),
      frame({ opcode: 1, payload: 'x', fin: false, mask: true }),
      frame({ opcode: 0, rsv1: true, payload: 'y', mask: true }),
    ]);
    const out = decodeStream(stream, { direction: 'out', deflate, maxInflatedSize: 1 << 20 });
    expect(out.map((m) => (m.notes ?? []).map((n) => n.code))).toEqual([
      [WS_NOTE.inflateTooLarge],
      [WS_NOTE.inflateError],
      [WS_NOTE.rsvBits],
    ]);
    expect((out[0]?.payload as Uint8Array).length).toBe(bomb.length);
    expect(out[2]?.payload).toBe('xy');
  });

  it('gives the same outputs for any split of a compressed stream', async () => {
    const compressed = await compressAll(jsonMessages(200));
    const stream = concat(
      compressed.map((c) => frame({ opcode: 1, rsv1: true, payload: c, mask: true })),
    );
    const whole = comparable(decodeStream(stream, { direction: 'out', deflate }));
    for (const size of [1, 5, 333, 8192]) {
      expect(comparable(decodeStream(stream, { direction: 'out', deflate }, size))).toEqual(whole);
    }
  });
});
