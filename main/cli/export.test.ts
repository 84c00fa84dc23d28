import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readHarSession } from '../core/session/har-import.ts';
import { writeNdjsonFile } from '../core/session/ndjson-export.ts';
import { readNdjsonSession } from '../core/session/ndjson-reader.ts';
import { expectSameSession, richStore, T0 } from '../core/session/test-sessions.ts';
import { runExport } from './export.ts';
import { UsageError } from './usage.ts';

let dir = '';
let journal = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-export-'));
  journal = join(dir, 'journal.ndjson');
  await writeNdjsonFile(journal, richStore(), { redact: false, created: T0 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the command in-process and collects what it wrote to stderr and stdout. */
async function run(...argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const code = await runExport(argv);
  vi.restoreAllMocks();
  return { code, stderr, stdout };
}

describe('telltale export', () => {
  it('converts NDJSON → HAR redacted, and says so on stderr only', async () => {
    const out = join(dir, 'shared.har');
    const result = await run(journal, '--to', out, '--redact-query', 'token');
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: `telltale: wrote ${out}: 6 connections, 14 entries, redacted headers authorization, proxy-authorization, cookie, set-cookie; query parameters token\n`,
    });
    const text = await readFile(out, 'utf8');
    for (const secret of ['Bearer secret', 'sid=1', 'token=abc'])
      expect(text).not.toContain(secret);
    expect(text).toContain('k-123');
  });

  it('--no-redact: NDJSON → HAR → NDJSON is the same file, NDJSON → NDJSON too', async () => {
    const har = join(dir, 'full.har');
    const back = join(dir, 'back.ndjson');
    const copy = join(dir, 'copy.ndjson');
    expect((await run(journal, '--to', har, '--no-redact')).code).toBe(0);
    expect((await run(har, '--to', back, '--no-redact')).code).toBe(0);
    expect((await run(journal, '--to', copy, '--no-redact')).code).toBe(0);
    const original = await readFile(journal, 'utf8');
    // An export is the journal's lines, then the records derived from them (LLM summaries,
    // diagnostics findings), the same whichever way it went; exporting it again changes nothing.
    const exported = await readFile(copy, 'utf8');
    expect(await readFile(back, 'utf8')).toBe(exported);
    const derived = (line: string): boolean => /^\{"type":"(llm|diagnostic)"/.test(line);
    expect(
      exported
        .split('\n')
        .filter((line) => !derived(line))
        .join('\n'),
    ).toBe(original);
    const again = join(dir, 'again.ndjson');
    expect((await run(copy, '--to', again, '--no-redact')).code).toBe(0);
    expect(await readFile(again, 'utf8')).toBe(exported);
    // Conversion keeps sources: nothing becomes "import".
    const { store } = await readHarSession(har, { markImported: false });
    expectSameSession(store, (await readNdjsonSession(journal)).store);
  });

  it('redacts extra headers; HAR → HAR works', async () => {
    const har = join(dir, 'full2.har');
    const out = join(dir, 'again.har');
    await run(journal, '--to', har, '--no-redact');
    const result = await run(har, '--to', out, '--redact-header', 'X-Api-Key');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('set-cookie, x-api-key');
    expect(await readFile(out, 'utf8')).not.toContain('k-123');
  });

  it('exports a journal whose last line was torn, exit 0, saying what it skipped', async () => {
    const torn = join(dir, 'torn.ndjson');
    const text = await readFile(journal, 'utf8');
    await writeFile(torn, text + '{"type":"entry","seq":200,"connec');
    const out = join(dir, 'torn.har');
    const result = await run(torn, '--to', out);
    expect(result.code).toBe(0);
    const lines = text.split('\n').length;
    expect(result.stderr).toContain(
      `telltale: ${torn}: line ${lines}: skipped an incomplete last line (the writer was interrupted)\n`,
    );
    expect(result.stderr).toContain('14 entries');
  });

  it('exits 2 naming the problem for unreadable or corrupt input, writing nothing', async () => {
    const corrupt = join(dir, 'corrupt.ndjson');
    await writeFile(corrupt, (await readFile(journal, 'utf8')).replace('"kind":"ws"', '"kind":5'));
    const out = join(dir, 'never.har');
    const bad = await run(corrupt, '--to', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^telltale: .*corrupt\.ndjson: line 2: connection field "kind": /);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);

    const notHar = join(dir, 'not.har');
    await writeFile(notHar, '{"hello": "world"}');
    const wrong = await run(notHar, '--to', out);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('not a HAR file');

    const missing = await run(join(dir, 'missing.ndjson'), '--to', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('exits 1 when the output cannot be written', async () => {
    const result = await run(journal, '--to', join(dir, 'no-dir', 'out.har'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot write');
  });

  it('throws UsageError for bad arguments', async () => {
    const fixture = join(dir, 'in.ndjson');
    await copyFile(journal, fixture);
    const cases: [string[], RegExp][] = [
      [[], /needs an input file/],
      [[fixture], /needs --to OUT/],
      [[fixture, '--to', 'out.json'], /must end in \.ndjson or \.har/],
      [['in.txt', '--to', 'out.har'], /input file "in.txt" must end/],
      [[fixture, 'other', '--to', 'o.har'], /one input file/],
      [[fixture, '--to', 'o.har', '--no-redact', '--redact-header', 'X'], /cannot be combined/],
      [[fixture, '--to', 'o.har', '--bogus'], /bogus/],
    ];
    for (const [argv, message] of cases) {
      await expect(runExport(argv)).rejects.toThrow(message);
      await expect(runExport(argv)).rejects.toBeInstanceOf(UsageError);
    }
  });
});
