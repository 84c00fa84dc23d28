import { describe, expect, it } from 'vitest';
import { WsFrameDecoder } from './frame-decoder.ts';
import { WS_NOTE } from './notes.ts';
import { chop, closePayload, concat, decodeStream, frame } from './test-frames.ts';
import type { DecodedWsMessage } from './types.ts';

const codes = (m: DecodedWsMessage | undefined): string[] => (m?.notes ?? []).map((n) => n.code);

describe('WsFrameDecoder', () => {
  it('flags masking against the direction', () => {
    const masked = frame({ opcode: 1, payload: 'hi', mask: true });
    const plain = frame({ opcode: 1, payload: 'hi' });
    expect(codes(decodeStream(plain, { direction: 'out' })[0])).toEqual([WS_NOTE.missingMask]);
    expect(codes(decodeStream(masked, { direction: 'in' })[0])).toEqual([WS_NOTE.unexpectedMask]);
    expect(decodeStream(masked, { direction: 'out' })[0]?.payload).toBe('hi');
    expect(decodeStream(plain, { direction: 'in' })[0]?.payload).toBe('hi');
  });

  it('records frame detail and wire size across fragments', () => {
    const stream = concat([
      frame({ opcode: 2, payload: Uint8Array.of(1, 2), fin: false, mask: true }),
      frame({ opcode: 0, payload: new Uint8Array(300), mask: true, rsv3: true }),
    ]);
    const [m] = decodeStream(stream, { direction: 'out' });
    expect(m?.frame).toEqual({
      opcode: 2,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: true,
      masked: true,
      fragments: 2,
    });
    expect(m?.wireSize).toBe(stream.length);
    expect(m?.payloadSize).toBe(302);
    expect(codes(m)).toEqual([WS_NOTE.rsvBits]);
  });

  it('notes non-minimal length encodings', () => {
    const out = decodeStream(
      concat([
        frame({ opcode: 1, payload: 'a', lengthForm: 16 }),
        frame({ opcode: 1, payload: 'b'.repeat(200), lengthForm: 64 }),
      ]),
      { direction: 'in' },
    );
    expect(out.map((m) => [m.payload.length, codes(m)])).toEqual([
      [1, [WS_NOTE.nonMinimalLength]],
      [200, [WS_NOTE.nonMinimalLength]],
    ]);
  });

  it('never modifies the chunks it is fed, and never hands out views of them', () => {
    const stream = concat([
      frame({ opcode: 2, payload: new Uint8Array(1000).fill(5), mask: true }),
      frame({ opcode: 2, payload: new Uint8Array(10).fill(6) }),
      frame({ opcode: 9, payload: 'p', mask: true }),
    ]);
    const original = Uint8Array.from(stream);
    const out = decodeStream(stream, { direction: 'out' });
    expect(Buffer.from(stream).equals(Buffer.from(original))).toBe(true);
    for (const m of out) {
      expect((m.payload as Uint8Array).buffer).not.toBe(stream.buffer);
    }
    expect(Array.from(out[0]?.payload as Uint8Array).every((b) => b === 5)).toBe(true);
  });

  it('with immutableChunks, hands out a binary message read whole as a view only when it spans most of its chunk', () => {
    const decodeEach = (chunks: Buffer[], immutableChunks: boolean): DecodedWsMessage[] => {
      const out: DecodedWsMessage[] = [];
      const decoder = new WsFrameDecoder((m) => out.push(m), {
        direction: 'in',
        immutableChunks,
      });
      for (const chunk of chunks) decoder.feed(chunk);
      return out;
    };
    // Each chunk its own memory, as every socket read is (small Buffers share a pool instead).
    const ownMemory = (bytes: Uint8Array): Buffer => Buffer.from(Uint8Array.from(bytes).buffer);
    // One message per read, as a socket delivers a 1 KiB echo.
    const alone = ownMemory(frame({ opcode: 2, payload: new Uint8Array(1024).fill(7) }));
    // A small message in a big read: a view would pin the whole read.
    const crowded = ownMemory(
      concat([
        frame({ opcode: 2, payload: new Uint8Array(10).fill(8) }),
        frame({ opcode: 2, payload: new Uint8Array(4000).fill(9) }),
      ]),
    );
    const kept = decodeEach([alone, crowded], true);
    expect(kept.map((m) => (m.payload as Uint8Array).buffer === alone.buffer)).toEqual([
      true,
      false,
      false,
    ]);
    expect((kept[2]?.payload as Uint8Array).buffer).toBe(crowded.buffer);
    expect(kept.map((m) => m.payloadSize)).toEqual([1024, 10, 4000]);
    expect(Array.from(kept[0]?.payload as Uint8Array).every((b) => b === 7)).toBe(true);
    expect(Array.from(kept[1]?.payload as Uint8Array).every((b) => b === 8)).toBe(true);
    // Without the promise, always copies.
    for (const m of decodeEach([alone, crowded], false)) {
      const buffer = (m.payload as Uint8Array).buffer;
      expect(buffer === alone.buffer || buffer === crowded.buffer).toBe(false);
    }
  });

  it('skips an oversized frame by counting, holding no more than one chunk', () => {
    const chunk = new Uint8Array(64 * 1024);
    const header = frame({ opcode: 2, declaredLength: 1n << 32n, payload: new Uint8Array(0) });
    const out: DecodedWsMessage[] = [];
    const decoder = new WsFrameDecoder((m) => out.push(m), {
      direction: 'in',
      maxPayload: 1 << 20,
    });
    decoder.feed(header);
    for (let i = 0; i < 200; i++) {
      decoder.feed(chunk);
      expect(decoder.bufferedBytes).toBe(0);
    }
    expect(decoder.decoderState).toBe('payload');
    decoder.end();
    expect(out).toHaveLength(1);
    expect(codes(out[0]).sort()).toEqual([WS_NOTE.maxPayload, WS_NOTE.truncated].sort());
    expect(out[0]?.payloadSize).toBe(2 ** 32);
    expect(out[0]?.wireSize).toBe(header.length + 200 * chunk.length);
  });

  it('applies maxPayload to control frames too', () => {
    const out = decodeStream(
      concat([
        frame({ opcode: 9, payload: new Uint8Array(100) }),
        frame({ opcode: 1, payload: 'ok' }),
      ]),
      { direction: 'in', maxPayload: 50 },
    );
    expect(out.map((m) => [m.kind, m.payloadSize, codes(m)])).toEqual([
      ['ping', 100, [WS_NOTE.maxPayload]],
      ['text', 2, []],
    ]);
  });

  it('fails on a 64-bit length with the top bit set, says once that later input is ignored', () => {
    const out: DecodedWsMessage[] = [];
    const decoder = new WsFrameDecoder((m) => out.push(m), { direction: 'in' });
    decoder.feed(frame({ opcode: 1, payload: 'a', fin: false }));
    decoder.feed(
      concat([
        frame({ opcode: 2, declaredLength: 1n << 63n, payload: new Uint8Array(0) }),
        Uint8Array.of(1, 2),
      ]),
    );
    decoder.feed(frame({ opcode: 1, payload: 'ignored' }));
    decoder.end();
    decoder.feed(Uint8Array.of(1));
    expect(decoder.failed).toBe(true);
    expect(out.map((m) => [m.kind, codes(m)])).toEqual([
      ['text', [WS_NOTE.truncated]],
      ['error', [WS_NOTE.invalidLength]],
      ['error', [WS_NOTE.inputIgnored]],
    ]);
  });

  it('fails on a 64-bit length beyond 2^53-1', () => {
    const out = decodeStream(
      frame({ opcode: 2, declaredLength: 1n << 54n, payload: new Uint8Array(0) }),
      {
        direction: 'in',
      },
    );
    expect(out.map(codes)).toEqual([[WS_NOTE.invalidLength]]);
  });

  it('gives up on a stream of malformed frames after a bounded number of them', () => {
    const stray = frame({ opcode: 5, payload: 'x' });
    const out = decodeStream(concat(Array.from({ length: 50 }, () => stray)), { direction: 'in' });
    expect(out.map((m) => codes(m)[0])).toEqual([
      ...Array.from({ length: 7 }, () => WS_NOTE.reservedOpcode),
      WS_NOTE.unreadableStream,
      WS_NOTE.inputIgnored,
    ]);
  });

  it('a good frame resets the malformed-frame count', () => {
    const stray = frame({ opcode: 5, payload: 'x' });
    const good = frame({ opcode: 10 });
    const stream = concat(Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? good : stray)));
    const out = decodeStream(stream, { direction: 'in' });
    expect(out).toHaveLength(20);
    expect(out.some((m) => codes(m).includes(WS_NOTE.unreadableStream))).toBe(false);
  });

  it('reports a stream cut inside a header, inside a payload, and inside a fragmented message', () => {
    const inHeader = decodeStream(Uint8Array.of(0x81, 0xfe, 0x01), { direction: 'out' });
    expect(inHeader.map((m) => [m.kind, m.wireSize, codes(m)])).toEqual([
      ['error', 3, [WS_NOTE.truncated]],
    ]);

    const full = frame({ opcode: 1, payload: 'hello world', mask: true });
    const inPayload = decodeStream(full.subarray(0, full.length - 3), { direction: 'out' });
    expect(inPayload.map((m) => [m.kind, m.payload, m.frame?.fin, codes(m)])).toEqual([
      ['text', 'hello wo', false, [WS_NOTE.truncated]],
    ]);

    const ping = frame({ opcode: 9, payload: 'ping', mask: true });
    const inControl = decodeStream(
      concat([
        frame({ opcode: 2, payload: Uint8Array.of(7), fin: false, mask: true }),
        ping.subarray(0, 8),
      ]),
      { direction: 'out' },
    );
    expect(inControl.map((m) => [m.kind, m.frame?.opcode, codes(m)])).toEqual([
      ['error', 9, [WS_NOTE.truncated]],
      ['binary', 2, [WS_NOTE.truncated]],
    ]);
  });

  it('parses close frames and flags frames after a close', () => {
    const out = decodeStream(
      concat([
        frame({ opcode: 8, payload: closePayload(4001, 'κλείσιμο') }),
        frame({ opcode: 10 }),
      ]),
      { direction: 'in' },
    );
    expect(out[0]?.close).toEqual({ code: 4001, reason: 'κλείσιμο', codeValid: true });
    expect(codes(out[1])).toEqual([WS_NOTE.dataAfterClose]);
  });

  it('ignores empty chunks and decodes the same for any split', () => {
    const stream = concat([
      frame({ opcode: 1, payload: 'é'.repeat(100), fin: false, mask: true }),
      frame({ opcode: 9, payload: 'x', mask: true }),
      frame({ opcode: 0, payload: '😀'.repeat(100), mask: true }),
    ]);
    const whole = decodeStream(stream, { direction: 'out' });
    const out: DecodedWsMessage[] = [];
    const decoder = new WsFrameDecoder((m) => out.push(m), { direction: 'out' });
    for (const piece of chop(stream, 3)) {
      decoder.feed(new Uint8Array(0));
      decoder.feed(piece);
    }
    decoder.end();
    expect(out).toEqual(whole);
  });
});
