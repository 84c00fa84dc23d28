import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { SessionExportRequest, SessionFileContent } from '../../../shared/api.ts';
import { parseFilter } from '../../../shared/filter/index.ts';
import { compileFilter } from '../filter/index.ts';
import type { EntryPredicate } from '../filter/compile.ts';
import type { FilterProtocolContext } from '../filter/protocol-context.ts';
import { derivedRecords } from '../derived-records.ts';
import { openSessionFile, saveSessionFile } from '../session/session-file.ts';
import type { OpenedSession, SaveSessionOptions } from '../session/session-file.ts';
import type { SessionStore } from '../session/store.ts';
import { ApiError } from './api-error.ts';

/**
 * Session files as text, for a UI that uploads and downloads them (a browser has no paths).
 * Both directions go through the same file code the CLI uses, by way of a private temp folder.
 */
/** Export options for the session file code from an API request (filter compiled, redaction). */
export function exportOptions(
  request: SessionExportRequest,
  protocols?: FilterProtocolContext,
): SaveSessionOptions {
  let entryFilter: EntryPredicate | undefined;
  if (request.filter?.trim()) {
    const parsed = parseFilter(request.filter);
    if (!parsed.ok) {
      throw new ApiError(
        'invalid-arguments',
        `filter: ${parsed.error.message} (at character ${parsed.error.start + 1})`,
      );
    }
    entryFilter = compileFilter(parsed.filter, protocols);
  }
  return {
    redact:
      request.redact === false
        ? false
        : { headers: request.redactHeaders ?? [], queryParams: request.redactQuery ?? [] },
    selection: {
      ...(request.connectionIds ? { connectionIds: request.connectionIds } : {}),
      ...(entryFilter ? { entryFilter } : {}),
    },
  };
}

export async function exportSessionText(
  store: SessionStore,
  request: SessionExportRequest,
  protocols?: FilterProtocolContext,
): Promise<SessionFileContent> {
  const options = exportOptions(request, protocols);
  const fileName = `telltale-session-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${request.format}`;
  return withTempDir(async (dir) => {
    const path = join(dir, fileName);
    await saveSessionFile(path, store, { ...options, extraRecords: derivedRecords(store) });
    return { fileName, text: await readFile(path, 'utf8') };
  });
}

export async function importSessionText(file: SessionFileContent): Promise<OpenedSession> {
  const ext = extname(file.fileName).toLowerCase();
  // Files saved by browsers sometimes lose their extension: tell the formats apart by content.
  const format =
    ext === '.har' || ext === '.ndjson'
      ? ext
      : file.text.trimStart().startsWith('{"type":"telltale"')
        ? '.ndjson'
        : '.har';
  return withTempDir(async (dir) => {
    const path = join(dir, `${basename(file.fileName, ext) || 'upload'}${format}`);
    await writeFile(path, file.text, { mode: 0o600 });
    try {
      return await openSessionFile(path);
    } catch (error) {
      throw new ApiError('invalid-arguments', `${file.fileName}: ${(error as Error).message}`);
    }
  });
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'telltale-transfer-'));
  try {
    return await work(dir);
  } finally {
    // An opened store may still read evicted payloads from its file: POSIX keeps an unlinked
    // file readable while it is open; where removing an open file fails (Windows), it is left
    // for the OS's temp cleaner rather than failing the import.
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
