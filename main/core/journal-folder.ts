import { mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedSession } from '../../shared/api.ts';

/**
 * The folder where every session is journaled as it is captured (the app's data folder,
 * `sessions/`). Journals are named by their start time, so names sort by age and never clash.
 */
export class JournalFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  newJournalPath(now = new Date()): string {
    const stamp = now.toISOString().replace(/[:]/g, '-').replace('Z', '');
    return join(this.dir, `session-${stamp}-${process.pid}.ndjson`);
  }

  pathOf(name: string): string {
    return join(this.dir, name);
  }

  async list(currentPath: string | undefined): Promise<SavedSession[]> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.ndjson'));
    const sessions = await Promise.all(
      names.map(async (name) => {
        const info = await stat(join(this.dir, name));
        return {
          name,
          size: info.size,
          modified: info.mtimeMs,
          current: join(this.dir, name) === currentPath,
        };
      }),
    );
    return sessions.sort((a, b) => b.modified - a.modified);
  }
}
