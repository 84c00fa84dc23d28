import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeHarFile } from '../core/session/har-export.ts';
import { writeNdjsonFile } from '../core/session/ndjson-export.ts';
import { sseRecording, wsRecording } from '../core/replay/test-recordings.ts';
import { waitFor } from '../core/testing/loopback.ts';
import { parseMockArgs } from './mock.ts';
import { UsageError } from './usage.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-cli-mock-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** `telltale mock …` in its own process (index.ts is wired by the lead). */
function runMockProcess(args: string[]) {
  const code = `const m = await import(${JSON.stringify(new URL('./mock.ts', import.meta.url).href)}); process.exitCode = await m.runMock(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (c) => {
      resolve(c);
    }),
  );
  cleanups.push(() => child.kill('SIGKILL'));
  return { child, out: () => out, err: () => err, exit };
}

describe('telltale mock', () => {
  it('serves the only WS connection of a file, prints its URL, exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const file = join(dir, 'ws.ndjson');
    await writeNdjsonFile(file, wsRecording(), { redact: false });
    const run = runMockProcess([file, '--answer']);
    await waitFor(() => run.out().includes('\n'), 10_000, 'the URL line');
    const url = run.out().trim();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat\?room=1$/);
    const got: string[] = [];
    const ws = new WebSocket(url);
    ws.on('message', (data: Buffer, binary) => {
      got.push(binary ? data.toString('hex') : data.toString());
      if (got.length <= 3) ws.send('next');
    });
    const close = await new Promise<number>((resolve) => ws.on('close', resolve));
    expect(got).toEqual(['hello', 'ONE', 'TWO', 'ff0001']);
    expect(close).toBe(4001);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('serves an SSE connection picked by id from a HAR', async () => {
    const dir = tempDir();
    const file = join(dir, 'both.har');
    const store = sseRecording();
    for (const c of wsRecording().connections()) store.addConnection(c);
    await writeHarFile(file, store, { redact: false });
    const run = runMockProcess([file, '--connection', 'sse-1', '--port', '0']);
    await waitFor(() => run.out().includes('\n'), 10_000, 'the URL line');
    const response = await fetch(run.out().trim());
    expect(await response.text()).toContain('id: 3\ndata: {"n":3}\n\n');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('exits 2 when the file holds several connections and none is named', async () => {
    const dir = tempDir();
    const file = join(dir, 'both.ndjson');
    const store = sseRecording();
    for (const c of wsRecording().connections()) store.addConnection(c);
    await writeNdjsonFile(file, store, { redact: false });
    const run = runMockProcess([file]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain('--connection');
    expect(run.out()).toBe('');
  });

  it('parses its flags', () => {
    expect(parseMockArgs(['f.har', '--port', '9000', '--answer'])).toEqual({
      file: 'f.har',
      connection: undefined,
      port: 9000,
      host: '127.0.0.1',
      mode: 'answer',
    });
    expect(() => parseMockArgs([])).toThrow(UsageError);
    expect(() => parseMockArgs(['f.har', '--port', 'x'])).toThrow(UsageError);
  });
});
