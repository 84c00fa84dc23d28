import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NdjsonSessionWriter } from './ndjson-writer.ts';

it('writes a backlog of 300k queued lines (no call-stack overflow joining them)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'telltale-bulk-'));
  try {
    const path = join(dir, 'bulk.ndjson');
    const writer = new NdjsonSessionWriter(path, { flushIntervalMs: 100 });
    const entry = {
      seq: 0,
      connectionId: 'c',
      time: 1,
      direction: 'in' as const,
      kind: 'text' as const,
      payload: '',
      payloadSize: 0,
      wireSize: 2,
    };
    // Short lines stay under the 1 MiB early-drain mark: all of them wait in one queue.
    for (let i = 1; i <= 300_000; i++) writer.writeEntry({ ...entry, seq: i });
    await writer.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(300_001);
    expect(lines.at(-1)).toContain('"seq":300000');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
