/**
 * `--save FILE` for the CLI (and the app's "save as you go"): the format by extension.
 * - `.ndjson`: the journal, written as capture goes (NdjsonSessionWriter following the store);
 *   never redacted, it is the evidence.
 * - `.har`: a HAR cannot be appended to, so it is written whole on `close()` (redacted unless
 *   `redact: false`). The file is created at once so that a bad path fails before capture starts.
 * - anything else: SessionFileError `unsupported-format`, thrown at once.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { writeHar, type ExtraRecords, type HarExportOptions } from './har-export.ts';
import { NdjsonSessionWriter } from './ndjson-writer.ts';
import type { RedactionOptions } from './redaction.ts';
import { requireSessionFormat, type SessionFormat } from './session-file.ts';
import type { SessionStore } from './store.ts';

export interface SaveTargetOptions {
  /** HAR only (journals are never redacted). Default true. */
  redact?: RedactionOptions | boolean;
  /** Journal only: write error, reported once; the capture goes on. */
  onError?: (error: Error) => void;
  /** HAR only: derived records for `_telltaleRecords` (see HarExportOptions). */
  extraRecords?: ExtraRecords;
}

export interface SaveTarget {
  readonly path: string;
  readonly format: SessionFormat;
  /** Makes the file complete and durable; idempotent. */
  close(): Promise<void>;
}

export async function openSaveTarget(
  path: string,
  store: SessionStore,
  options: SaveTargetOptions = {},
): Promise<SaveTarget> {
  const format = requireSessionFormat(path);
  if (format === 'ndjson') {
    const writer = new NdjsonSessionWriter(
      path,
      options.onError === undefined ? { store } : { store, onError: options.onError },
    );
    return { path, format, close: () => writer.close() };
  }
  const handle = await open(path, 'w', 0o600);
  let closing: Promise<void> | undefined;
  return {
    path,
    format,
    close: () =>
      (closing ??= finishHar(handle, store, {
        redact: options.redact ?? true,
        ...(options.extraRecords === undefined ? {} : { extraRecords: options.extraRecords }),
      })),
  };
}

async function finishHar(
  handle: FileHandle,
  store: SessionStore,
  options: HarExportOptions,
): Promise<void> {
  try {
    store.flush();
    await writeHar(handle, store, options);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
