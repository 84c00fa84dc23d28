import { sessionFormatOf } from '../core/session/session-file.ts';
import { openSaveTarget } from '../core/session/save-target.ts';
import type { SaveTarget } from '../core/session/save-target.ts';
import type { SessionStore } from '../core/session/store.ts';
import { derivedRecords } from '../core/derived-records.ts';
import { UsageError } from './usage.ts';

/** `--save FILE`: the extension picks the format; checked while parsing arguments. */
export function checkSavePath(path: string): void {
  if (sessionFormatOf(path) === undefined) {
    throw new UsageError(
      `--save ${path}: unsupported file type`,
      'use a file name ending in .ndjson (Telltale session) or .har',
    );
  }
}

/**
 * Opens the `--save` file before anything is captured, so a bad path fails at once and loses
 * nothing: `.ndjson` is the journal, written as capture goes and never redacted; `.har` is
 * written whole when the command ends, redacted unless `redact` is false.
 */
export async function openCliSaveTarget(
  path: string,
  store: SessionStore,
  redact: boolean,
): Promise<SaveTarget> {
  try {
    return await openSaveTarget(path, store, {
      redact,
      extraRecords: derivedRecords(store),
      onError(error) {
        process.stderr.write(`telltale: writing ${path} failed: ${error.message}\n`);
      },
    });
  } catch (error) {
    throw new Error(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
