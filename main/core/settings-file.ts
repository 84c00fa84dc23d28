import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Settings } from '../../shared/api.ts';

export const defaultSettings: Settings = { theme: 'system', timeDisplay: 'absolute' };

/**
 * Settings kept in a small JSON file (written atomically: temp file, then rename). An unreadable
 * or foreign file falls back to the defaults for the fields it gets wrong, never a crash.
 */
export class SettingsFile {
  readonly #path: string | undefined;
  #settings: Settings;

  constructor(path?: string) {
    this.#path = path;
    this.#settings = { ...defaultSettings, ...(path ? readSettings(path) : {}) };
  }

  get(): Settings {
    return { ...this.#settings };
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    this.#settings = { ...this.#settings, ...patch };
    if (this.#path) {
      await mkdir(dirname(this.#path), { recursive: true });
      const temp = `${this.#path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(this.#settings, null, 2) + '\n', { mode: 0o600 });
      await rename(temp, this.#path);
    }
    return this.get();
  }
}

function readSettings(path: string): Partial<Settings> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const found = raw as Record<string, unknown>;
  const settings: Partial<Settings> = {};
  if (found['theme'] === 'system' || found['theme'] === 'light' || found['theme'] === 'dark')
    settings.theme = found['theme'];
  if (found['timeDisplay'] === 'absolute' || found['timeDisplay'] === 'relative')
    settings.timeDisplay = found['timeDisplay'];
  return settings;
}
