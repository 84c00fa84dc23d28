/**
 * Property tests (fast-check): the decoder's output does not depend on how the bytes are split,
 * and no input, however broken, makes it throw or hold more than its limits allow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WsFrameDecoder } from './frame-decoder.ts';
import { parsePerMessageDeflate } from './permessage-deflate.ts';
import { comparable, concat, decodeStream, frame } from './test-frames.ts';
import type { FrameSpec } from './test-frames.ts';
import type { DecodedWsMessage, WsFrameDecoderOptions } from './types.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Big payloads are made from a seed so that shrinking a failure stays cheap. */
const textPayloadArb = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map(encode) },
  { weight: 1, arbitrary: fc.nat({ max: 1000 }).map((n) => encode(`κόσμε ${n} `.repeat(6000))) },
);
const binaryPayloadArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.nat({ max: 255 }).map((n) => new Uint8Array(66_000).fill(n)) },
);

const maskArb = fc.uint8Array({ minLength: 4, maxLength: 4 });

/** A valid message: 1–4 fragments, control frames possibly between them. */
const messageArb = (masked: boolean): fc.Arbitrary<FrameSpec[]> =>
  fc
    .constantFrom(1, 2)
    .chain((opcode) =>
      fc.record({
        opcode: fc.constant(opcode),
        fragments: fc.array(opcode === 1 ? textPayloadArb : binaryPayloadArb, {
          minLength: 1,
          maxLength: 4,
        }),
        controls: fc.array(
          fc.option(
            fc.record({
              opcode: fc.constantFrom(9, 10),
              payload: fc.uint8Array({ maxLength: 125 }),
            }),
          ),
          {
            maxLength: 4,
          },
        ),
        mask: maskArb,
      }),
    )
    .map(({ opcode, fragments, controls, mask }) => {
      const specs: FrameSpec[] = [];
      fragments.forEach((payload, i) => {
        specs.push({
          opcode: i === 0 ? opcode : 0,
          payload,
          fin: i === fragments.length - 1,
          mask: masked ? mask : undefined,
        });
        const control = controls[i];
        if (control && i < fragments.length - 1)
          specs.push({ ...control, mask: masked ? mask : undefined });
      });
      return specs;
    });

const streamArb = fc
  .boolean()
  .chain((masked) =>
    fc
      .array(messageArb(masked), { maxLength: 6 })
      .map((messages) => ({ masked, stream: concat(messages.flat().map((m) => frame(m))) })),
  );

/** Cut points, turned into chunks of the stream. */
function split(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(stream.subarray(last, p));
    last = p;
  }
  chunks.push(stream.subarray(last));
  return chunks;
}

function decodeChunks(chunks: Uint8Array[], options: WsFrameDecoderOptions): DecodedWsMessage[] {
  const out: DecodedWsMessage[] = [];
  const decoder = new WsFrameDecoder((m) => out.push(m), options);
  for (const c of chunks) decoder.feed(c);
  decoder.end();
  return out;
}

describe('properties', () => {
  it('every chunking of a valid stream decodes as the whole stream does', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), ({ masked, stream }, cuts) => {
        const options: WsFrameDecoderOptions = { direction: masked ? 'out' : 'in' };
        const whole = decodeStream(stream, options);
        expect(whole.every((m) => m.notes === undefined)).toBe(true);
        expect(whole.reduce((s, m) => s + m.wireSize, 0)).toBe(stream.length);
        expect(comparable(decodeChunks(split(stream, cuts), options))).toEqual(comparable(whole));
      }),
      { numRuns: 150 },
    );
  });

  const limits: WsFrameDecoderOptions = {
    direction: 'out',
    maxPayload: 4096,
    maxFragments: 8,
    maxInflatedSize: 8192,
    deflate: parsePerMessageDeflate('permessage-deflate'),
  };

  function feedAndWatch(chunks: Uint8Array[]): void {
    const decoder = new WsFrameDecoder(() => undefined, limits);
    let fed = 0;
    for (const c of chunks) {
      decoder.feed(c);
      fed += c.length;
      // Unparsed input never exceeds a frame header, and kept payload never exceeds maxPayload
      // (plus the last frame's bytes that crossed it, which are dropped at once).
      expect(decoder.bufferedBytes).toBeLessThan(14);
      expect(decoder.retainedBytes).toBeLessThanOrEqual(4096 + 14);
    }
    expect(fed).toBeGreaterThanOrEqual(0);
    decoder.end();
  }

  it('random bytes never throw and memory stays bounded', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bytes, cuts) => {
          feedAndWatch(split(bytes, cuts));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random mutations of valid streams never throw, and wire sizes never exceed the input', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(),
        ({ stream }, edits, cuts, cutAt) => {
          const mutated = Uint8Array.from(stream);
          for (const [at, value] of edits)
            if (mutated.length > 0) mutated[at % mutated.length] = value;
          const truncated = mutated.subarray(0, cutAt % (mutated.length + 1));
          feedAndWatch(split(truncated, cuts));
          const out = decodeChunks(split(truncated, cuts), limits);
          expect(out.reduce((s, m) => s + m.wireSize, 0)).toBeLessThanOrEqual(truncated.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
