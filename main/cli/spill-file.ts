import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonSessionWriter } from '../core/session/ndjson-writer.ts';
import type { SessionStore } from '../core/session/store.ts';

/**
 * A private journal for a long-running command that was not asked to save (`telltale proxy`
 * without --save): the store evicts payloads beyond its budget only to a file it can read them
 * back from, so without one a capture would grow with the traffic. Removed when the command ends.
 */
export function openSpillFile(store: SessionStore): { close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-spill-'));
  const writer = new NdjsonSessionWriter(join(dir, 'session.ndjson'), {
    store,
    onError(error) {
      process.stderr.write(
        `telltale: the capture's spill file failed (${error.message}); payloads stay in memory\n`,
      );
    },
  });
  return {
    async close() {
      await writer.close().catch(() => undefined);
      store.closePayloadFiles();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
