import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The last session files opened, newest first, kept for the File → Recent Sessions menu. */
export class RecentFiles {
  readonly #path: string;
  #paths: string[];

  readonly limit: number;

  constructor(path: string, limit = 10) {
    this.limit = limit;
    this.#path = path;
    try {
      const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      this.#paths = Array.isArray(raw)
        ? raw.filter((p): p is string => typeof p === 'string').slice(0, limit)
        : [];
    } catch {
      this.#paths = [];
    }
  }

  list(): readonly string[] {
    return this.#paths;
  }

  add(path: string): void {
    this.#paths = [path, ...this.#paths.filter((p) => p !== path)].slice(0, this.limit);
    try {
      mkdirSync(dirname(this.#path), { recursive: true });
      writeFileSync(this.#path, JSON.stringify(this.#paths));
    } catch {
      // A recent-files list is a convenience: losing it is not worth an error.
    }
  }
}
