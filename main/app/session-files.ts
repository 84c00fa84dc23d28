import { extname } from 'node:path';

/** Session files among command-line arguments (Windows and Linux pass opened files this way). */
export function sessionFilesIn(argv: readonly string[]): string[] {
  return argv
    .slice(1)
    .filter(
      (arg) => !arg.startsWith('-') && ['.har', '.ndjson'].includes(extname(arg).toLowerCase()),
    );
}
