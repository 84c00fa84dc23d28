import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHarSession } from './har-import.ts';
import { readNdjsonSession } from './ndjson-reader.ts';
import { openSaveTarget } from './save-target.ts';
import { openSessionFile, saveSessionFile } from './session-file.ts';
import { SessionStore } from './store.ts';
import { expectSameSession, richConnections, richEntries, richStore, T0 } from './test-sessions.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-save-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A store that fills as a capture would, after the save target was opened. */
async function capture(path: string, redact?: boolean): Promise<SessionStore> {
  const store = new SessionStore();
  const target = await openSaveTarget(path, store, redact === undefined ? {} : { redact });
  for (const c of richConnections()) store.addConnection(c);
  for (const e of richEntries()) store.append(e);
  await target.close();
  await target.close(); // idempotent
  store.dispose();
  return store;
}

describe('openSaveTarget', () => {
  it('.ndjson journals the capture, never redacted', async () => {
    const path = join(dir, 'live.NDJSON');
    const store = await capture(path, true);
    const { store: back } = await readNdjsonSession(path);
    expectSameSession(back, store);
    expect(await readFile(path, 'utf8')).toContain('Bearer secret');
  });

  it('.har is written whole on close, redacted by default', async () => {
    const path = join(dir, 'live.har');
    const store = await capture(path);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('Bearer secret');
    const { store: back } = await readHarSession(path, { markImported: false });
    expect([...back.allEntries()]).toStrictEqual([...store.allEntries()]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('.har with redact: false keeps everything', async () => {
    const path = join(dir, 'plain.har');
    const store = await capture(path, false);
    const { store: back } = await readHarSession(path, { markImported: false });
    expectSameSession(back, store);
  });

  it('refuses another extension, and a path it cannot create, before capture starts', async () => {
    const store = new SessionStore();
    await expect(openSaveTarget(join(dir, 'x.json'), store)).rejects.toMatchObject({
      code: 'unsupported-format',
      message: expect.stringContaining('unsupported file type ".json": use .ndjson') as unknown,
    });
    await expect(openSaveTarget(join(dir, 'missing', 'x.har'), store)).rejects.toThrow(/ENOENT/);
  });
});

describe('session files by extension', () => {
  it('opens NDJSON and HAR alike, marking connections imported unless asked not to', async () => {
    const original = richStore();
    for (const name of ['a.ndjson', 'a.har']) {
      const path = join(dir, name);
      await saveSessionFile(path, original, { redact: false, created: T0 });
      const kept = await openSessionFile(path, { markImported: false });
      expect(kept.created).toBe(T0);
      expectSameSession(kept.store, original);
      const imported = await openSessionFile(path);
      expect(new Set(imported.store.connections().map((c) => c.source))).toEqual(
        new Set(['import']),
      );
    }
  });
});
