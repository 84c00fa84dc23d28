import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportHar } from './har-export.ts';
import { importHarText, readHarSession } from './har-import.ts';
import { HarStreamScanner, JsonStreamError } from './har-stream.ts';
import { SessionFileError } from './ndjson-reader.ts';
import { expectSameSession, richStore } from './test-sessions.ts';

function scanInPieces(
  bytes: Buffer,
  cuts: number[],
): { entries: unknown[]; scanner: HarStreamScanner } {
  const entries: unknown[] = [];
  const scanner = new HarStreamScanner((value) => entries.push(value));
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    scanner.feed(bytes.subarray(at, cut));
    at = cut;
  }
  scanner.feed(bytes.subarray(at));
  scanner.end();
  return { entries, scanner };
}

describe('HarStreamScanner', () => {
  it('gives each element of log.entries and the other log fields, however the bytes are cut', () => {
    const har = exportHar(richStore(), { created: 1 });
    // Pretty-printed, a BOM, an extra root field, the log's fields after its entries.
    const { entries: harEntries, ...logRest } = har.log;
    const doc = { extra: { a: [1, '}]"\\'] }, log: { entries: harEntries, ...logRest } };
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(doc, null, 2), 'utf8'),
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }),
        (cuts) => {
          const { entries, scanner } = scanInPieces(bytes, cuts);
          expect(entries).toEqual(har.log.entries);
          expect(scanner.logFields._telltale).toEqual(har.log._telltale);
          expect(scanner.sawEntriesArray).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
    // One byte at a time.
    const { entries } = scanInPieces(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    expect(entries).toHaveLength(har.log.entries.length);
  });

  it('names the line and column of a problem found in a later chunk', () => {
    const text = '{\n "log": {\n  "entries": [\n   {"a": 1},\n   {"a": tru}\n  ]\n }\n}';
    const bytes = Buffer.from(text);
    for (const cut of [5, 30, 40, 45]) {
      let caught: unknown;
      try {
        scanInPieces(bytes, [cut]);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(JsonStreamError);
      expect((caught as JsonStreamError).line).toBe(5);
      expect((caught as JsonStreamError).column).toBe(10);
    }
    expect(() => scanInPieces(Buffer.from('{"log":{"entries":[]}} x'), [])).toThrow(
      'unexpected text after the JSON value',
    );
    expect(() => scanInPieces(Buffer.from('{"log":{"entries":[{"a":'), [10])).toThrow(
      'unexpected end of file: it was cut short',
    );
  });
});

describe('readHarSession (streamed)', () => {
  it('imports a file exactly as the in-memory import does, and defers a bad entry to a later JSON error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'telltale-har-stream-'));
    try {
      const store = richStore();
      const path = join(dir, 'a.har');
      await writeFile(path, JSON.stringify(exportHar(store), null, 1));
      const streamed = await readHarSession(path, { markImported: false });
      expectSameSession(
        streamed.store,
        importHarText(JSON.stringify(exportHar(store)), 'x', { markImported: false }).store,
      );

      // Entry 0 is not a HAR entry, and the file is cut short after it: the JSON error wins.
      const bad = join(dir, 'bad.har');
      await writeFile(bad, '{"log":{"entries":[{"x":1},\n{"startedDateTime":');
      await expect(readHarSession(bad)).rejects.toMatchObject({ code: 'invalid-json', line: 2 });
      await writeFile(bad, '{"log":{"entries":[{"x":1}]}}');
      await expect(readHarSession(bad)).rejects.toBeInstanceOf(SessionFileError);
      await expect(readHarSession(bad)).rejects.toMatchObject({ code: 'invalid-har' });
      await writeFile(bad, '{"log":5}');
      await expect(readHarSession(bad)).rejects.toMatchObject({ code: 'not-a-har' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
