import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { afterAll, describe, expect, it } from 'vitest';

// electron-builder against a stand-in Electron (the real binary cannot be downloaded here): it
// validates electron-builder.yml and packs the app exactly as an installer would carry it.
const root = join(import.meta.dirname, '..');
const run = promisify(execFile);
const work = await mkdtemp(join(tmpdir(), 'telltale-pack-'));
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('packaging', () => {
  it('packs the built app with its runtime dependencies into app.asar', async () => {
    const electronDist = join(work, 'electron');
    await mkdir(join(electronDist, 'resources'), { recursive: true });
    await writeFile(join(electronDist, 'electron'), '#!/bin/sh\n');
    await chmod(join(electronDist, 'electron'), 0o755);
    await writeFile(join(electronDist, 'version'), '45.4.1');
    const output = join(work, 'dist');
    await run(
      join(root, 'node_modules/.bin/electron-builder'),
      [
        '--linux',
        'dir',
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${output}`,
        '--publish',
        'never',
      ],
      { cwd: root, timeout: 120_000 },
    );
    const files = listPackage(join(output, 'linux-unpacked/resources/app.asar'), {
      isPack: false,
    }).map((f) => f.replaceAll('\\', '/'));
    for (const expected of [
      '/package.json',
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/node_modules/ws/package.json',
      '/node_modules/undici/package.json',
      '/node_modules/zod/package.json',
    ]) {
      expect(files, expected).toContain(expected);
    }
    // Nothing that only builds or tests the app ships in it.
    expect(files.some((f) => f.startsWith('/node_modules/vitest/'))).toBe(false);
    expect(files.some((f) => f.startsWith('/main/'))).toBe(false);
  }, 120_000);
});
