import fc from 'fast-check';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { decode, decodeBytewise, utf8 } from './test-support.ts';
import { utf8Length } from './utf8.ts';

const EOL = fc.constantFrom('\n', '\r', '\r\n');

/** Text without line breaks: ASCII, non-ASCII, astral characters, NUL, spaces and colons. */
const lineText = fc
  .array(
    fc.oneof(
      fc.constantFrom(' ', ':', '\0', 'é', '€', '😀', '\uFEFF', '\uFFFD', 'data', 'x', '0'),
      fc.string({ maxLength: 6, unit: 'grapheme' }).map((s) => s.replace(/[\r\n]/g, '')),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const digits = fc.stringMatching(/^[0-9]{1,6}$/);

/** One line of an event stream, its break included. */
const line = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: lineText.map((v) => `data:${v}`) },
      { weight: 2, arbitrary: lineText.map((v) => `data: ${v}`) },
      { weight: 3, arbitrary: fc.constant('') }, // blank line: dispatch
      lineText.map((v) => `event:${v}`),
      lineText.map((v) => `id: ${v}`),
      digits.map((v) => `retry: ${v}`),
      lineText.map((v) => `retry:${v}`),
      lineText.map((v) => `:${v}`),
      lineText.map((v) => `x-unknown:${v}`),
      fc.constantFrom('data', 'event', 'id', 'retry', 'dat', ' data:1'),
      lineText,
    ),
    EOL,
  )
  .map(([text, eol]) => text + eol);

/** A valid stream: optional BOM, lines, maybe an unterminated last line. */
const validStream = fc
  .tuple(fc.boolean(), fc.array(line, { maxLength: 30 }), fc.option(lineText, { nil: undefined }))
  .map(([bom, lines, tail]) => (bom ? '\uFEFF' : '') + lines.join('') + (tail ?? ''));

/** Byte soup biased toward the syntax: invalid UTF-8, partial BOMs, stray CRs. */
const nastyBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        utf8('data:'),
        utf8('data: '),
        utf8('id:'),
        utf8('retry:12'),
        utf8('event:'),
        utf8(':'),
        utf8('\r'),
        utf8('\n'),
        utf8('\r\n'),
        utf8('😀'),
        Uint8Array.of(0xef, 0xbb, 0xbf),
        Uint8Array.of(0xe2, 0x82),
        Uint8Array.of(0xf0, 0x9f),
        Uint8Array.of(0xff),
        Uint8Array.of(0x80),
        Uint8Array.of(0),
      ),
      fc.uint8Array({ maxLength: 8 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });

/** Sorted, distinct cut points inside `length`. */
function cutsFor(length: number): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  return fc
    .uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: Math.min(length - 1, 12) })
    .map((cuts) => cuts.sort((a, b) => a - b));
}

const options = fc.record({
  keepRaw: fc.boolean(),
  // Small limits make the over-long-line paths common.
  maxEventSize: fc.oneof(fc.constant(undefined), fc.integer({ min: 16, max: 80 })),
});

describe('SseDecoder properties', () => {
  it('gives identical outputs for every chunking of a valid stream', () => {
    fc.assert(
      fc.property(
        validStream
          .map(utf8)
          .chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length), options)),
        ([bytes, cuts, opts]) => {
          expect(decode(bytes, cuts, opts)).toEqual(decode(bytes, [], opts));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives identical outputs fed byte by byte', () => {
    fc.assert(
      fc.property(fc.oneof(validStream.map(utf8), nastyBytes), options, (bytes, opts) => {
        expect(decodeBytewise(bytes, opts)).toEqual(decode(bytes, [], opts));
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary bytes, and chunking still does not matter', () => {
    fc.assert(
      fc.property(
        fc
          .oneof(nastyBytes, fc.uint8Array({ maxLength: 200 }))
          .chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length), options)),
        ([bytes, cuts, opts]) => {
          expect(decode(bytes, cuts, opts)).toEqual(decode(bytes, [], opts));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reports sizes that add up: UTF-8 payload sizes, wire sizes within the stream', () => {
    fc.assert(
      fc.property(fc.oneof(validStream.map(utf8), nastyBytes), (bytes) => {
        let wire = 0;
        for (const o of decode(bytes)) {
          if (o.kind === 'retry') continue;
          expect(o.payloadSize).toBe(utf8Length(o.payload));
          if (o.kind !== 'comment') wire += o.wireSize; // comments sit inside blocks
        }
        expect(wire).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with eventsource-parser on events, comments and retry values', () => {
    fc.assert(
      fc.property(validStream, (text) => {
        const theirs: unknown[] = [];
        const parser = createParser({
          onEvent: (e) => theirs.push(['event', e.data, e.event ?? 'message', e.id]),
          onComment: (c) => theirs.push(['comment', c]),
          onRetry: (r) => theirs.push(['retry', r]),
        });
        parser.feed(text);
        const ours = decode(utf8(text)).flatMap((o): unknown[] => {
          switch (o.kind) {
            case 'event':
              return [['event', o.payload, o.sse.event, o.sse.id]];
            case 'comment':
              return [['comment', o.payload]];
            case 'retry':
              return [['retry', o.retry]];
            case 'incomplete':
              return [];
          }
        });
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 400 },
    );
  });
});
