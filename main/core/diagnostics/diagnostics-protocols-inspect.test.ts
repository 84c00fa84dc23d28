/**
 * The application-protocol rules on opened sessions: `telltale inspect FILE --diagnose` reads a
 * saved session, dissects it, and gates on the protocol findings like on the stream ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runInspect } from '../../cli/inspect.ts';
import { inn, out, sessionWith, testConnection } from '../protocol/dissect/test-support.ts';
import { writeNdjsonFile } from '../session/ndjson-export.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-diagnose-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inspect(file: string): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: string | Uint8Array, cb?: unknown) => {
      stdout += String(chunk);
      if (typeof cb === 'function') (cb as () => void)();
      return true;
    },
  );
  try {
    return { code: await runInspect([file, '--diagnose']), stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

async function saved(name: string, messages: Parameters<typeof sessionWith>[1]): Promise<string> {
  const connection = testConnection('c', {
    protocol: 'v12.stomp',
    state: 'closed',
    closedAt: 1100,
  });
  const file = join(dir, name);
  await writeNdjsonFile(file, sessionWith(connection, messages), { redact: false });
  return file;
}

describe('telltale inspect --diagnose with application protocols', () => {
  it('an ERROR frame fails the gate, printed with its rule; the same session without it passes', async () => {
    const connect = [
      out('CONNECT\naccept-version:1.2\nhost:/\n\n\0', 0),
      inn('CONNECTED\nversion:1.2\n\n\0', 1),
      out('SEND\ndestination:/queue/a\nreceipt:r1\n\nhi\0', 2),
    ];
    const bad = await inspect(
      await saved('bad.ndjson', [...connect, inn('ERROR\nmessage:no such queue\n\n\0', 3)]),
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /ERROR stomp\.error-frame: The broker sent 1 ERROR frame: no such queue\./,
    );
    expect(bad.stdout).toMatch(/WARNING stomp\.receipt-missing/);
    const good = await inspect(
      await saved('good.ndjson', [...connect, inn('RECEIPT\nreceipt-id:r1\n\n\0', 3)]),
    );
    expect(good.code).toBe(0);
    expect(good.stdout).not.toMatch(/stomp\./);
  });
});
