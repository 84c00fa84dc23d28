/**
 * Session files by extension: `.ndjson` (Telltale's own format) or `.har`. One place decides,
 * so `telltale export`, `--save` and the app's open/save agree.
 */
import { rename } from 'node:fs/promises';
import { extname } from 'node:path';
import { writeHarFile } from './har-export.ts';
import { readHarSession } from './har-import.ts';
import { writeNdjsonFile, type ExportSummary, type NdjsonExportOptions } from './ndjson-export.ts';
import { readNdjsonSession, SessionFileError, type SessionNote } from './ndjson-reader.ts';
import type { SessionStore, SessionStoreOptions } from './store.ts';

export type SessionFormat = 'ndjson' | 'har';

export function sessionFormatOf(path: string): SessionFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.ndjson') return 'ndjson';
  if (ext === '.har') return 'har';
  return undefined;
}

/** Throws SessionFileError `unsupported-format` for another extension. */
export function requireSessionFormat(path: string): SessionFormat {
  const format = sessionFormatOf(path);
  if (format !== undefined) return format;
  const ext = extname(path);
  throw new SessionFileError(
    path,
    0,
    'unsupported-format',
    `${ext === '' ? 'no file extension' : `unsupported file type "${ext}"`}: use .ndjson (Telltale session) or .har`,
  );
}

export interface OpenSessionOptions {
  /**
   * Mark every connection `source: "import"` (default true: a file opened next to live capture).
   * False keeps the sources the file records (conversion, reopening a journal).
   */
  markImported?: boolean;
  store?: SessionStoreOptions;
}

export interface OpenedSession {
  format: SessionFormat;
  store: SessionStore;
  /** What was skipped or estimated; the open succeeded. */
  notes: SessionNote[];
  /** When the session was started, if the file says. */
  created: number | undefined;
}

/** Opens a session file into a new store. Rejects with SessionFileError naming the problem. */
export async function openSessionFile(
  path: string,
  options: OpenSessionOptions = {},
): Promise<OpenedSession> {
  const format = requireSessionFormat(path);
  const markImported = options.markImported ?? true;
  const storeOptions = options.store === undefined ? {} : { store: options.store };
  if (format === 'har') {
    const { store, notes, created } = await readHarSession(path, { ...storeOptions, markImported });
    return { format, store, notes, created };
  }
  const { store, notes, header } = await readNdjsonSession(path, storeOptions);
  if (markImported) {
    for (const connection of store.connections()) {
      if (connection.source !== 'import')
        store.updateConnection(connection.id, { source: 'import' });
    }
  }
  return { format, store, notes, created: header.created };
}

export type SaveSessionOptions = NdjsonExportOptions;

/** Writes a store (or a selection of it) as the extension says; redacted unless `redact: false`. */
export async function saveSessionFile(
  path: string,
  store: SessionStore,
  options: SaveSessionOptions = {},
): Promise<ExportSummary> {
  const format = requireSessionFormat(path);
  // The store may read evicted payloads back from this very file (exporting over the file that
  // was opened): write beside it and rename over it, so its open descriptor keeps the old data.
  const target = store.readsFrom(path) ? `${path}.${process.pid}.tmp` : path;
  const summary =
    format === 'har'
      ? await writeHarFile(target, store, options)
      : await writeNdjsonFile(target, store, options);
  if (target !== path) await rename(target, path);
  return summary;
}
