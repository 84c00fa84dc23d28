import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer } from '../core/replay/mock-server.ts';
import { wsRecording } from '../core/replay/test-recordings.ts';
import { writeNdjsonFile } from '../core/session/ndjson-export.ts';
import { parseReplayArgs } from './replay.ts';
import { UsageError } from './usage.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function runReplayProcess(args: string[]) {
  const code = `const m = await import(${JSON.stringify(new URL('./replay.ts', import.meta.url).href)}); process.exitCode = await m.runReplay(process.argv.slice(1));`;
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
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  return { out: () => out, err: () => err, exit };
}

describe('telltale replay', () => {
  it('replays against --url, prints the run and the comparison, saves the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telltale-cli-replay-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const file = join(dir, 'rec.ndjson');
    const save = join(dir, 'run.ndjson');
    await writeNdjsonFile(file, wsRecording(), { redact: false });
    const mock = await startMockServer(wsRecording(), 'ws-1', { mode: 'answer' });
    cleanups.push(() => mock.close());
    const run = runReplayProcess([file, '--url', mock.url, '--step-on-reply', '--save', save]);
    expect(await run.exit).toBe(0);
    const lines = run
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const comparison = lines.at(-1);
    expect(comparison).toMatchObject({
      type: 'replay-comparison',
      replayOf: 'ws-1',
      sent: 3,
      recorded: 4,
      matched: 4,
      differences: [],
      outcome: { kind: 'closed', code: 4001 },
    });
    expect(lines.some((l) => l.type === 'connection' && l.replayOf === 'ws-1')).toBe(true);
    expect(run.err()).toContain('4/4 server messages as recorded');
    const saved = readFileSync(save, 'utf8');
    expect(saved).toContain('"replayOf":"ws-1"');
    expect(saved).toContain('"source":"replay"');
  });

  it('exits 1 when the server cannot be reached, 2 on a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telltale-cli-replay-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const file = join(dir, 'rec.ndjson');
    await writeNdjsonFile(file, wsRecording(), { redact: false });
    const refused = runReplayProcess([file, '--url', 'ws://127.0.0.1:1/', '--as-fast-as-possible']);
    expect(await refused.exit).toBe(1);
    const missing = runReplayProcess([join(dir, 'nope.ndjson')]);
    expect(await missing.exit).toBe(2);
    const wrongId = runReplayProcess([file, '--connection', 'nope']);
    expect(await wrongId.exit).toBe(2);
    expect(wrongId.err()).toContain('no connection "nope"');
  });

  it('parses its flags', () => {
    expect(parseReplayArgs(['f.har', '--speed', '10'])).toMatchObject({ mode: 'timed', speed: 10 });
    expect(parseReplayArgs(['f.har', '--as-fast-as-possible']).mode).toBe('fast');
    expect(parseReplayArgs(['f.har', '--step-on-reply']).mode).toBe('step');
    expect(() => parseReplayArgs(['f.har', '--speed', '2', '--step-on-reply'])).toThrow(UsageError);
    expect(() => parseReplayArgs(['f.har', '--speed', '0'])).toThrow(UsageError);
    expect(() => parseReplayArgs(['f.har', '--url', 'ftp://x'])).toThrow(UsageError);
    expect(() => parseReplayArgs(['f.har', '--save', 'x.txt'])).toThrow(UsageError);
    expect(() => parseReplayArgs([])).toThrow(UsageError);
  });
});
