import { openSessionFile } from '../session/session-file.ts';
import type { SessionStore } from '../session/store.ts';
import { pickConnection } from './recording.ts';
import type { Connection } from '../../../shared/model/connection.ts';

/**
 * A session file (`.ndjson` or `.har`, Chrome's included) and the connection to replay or mock
 * from it. Rejects with SessionFileError (unreadable file) or ReplayError (no such connection).
 * Sources are kept as recorded: the file is a recording, not an import beside live capture.
 */
export async function loadRecordingFile(
  path: string,
  connectionId: string | undefined,
): Promise<{ store: SessionStore; connection: Connection }> {
  const { store } = await openSessionFile(path, { markImported: false });
  return { store, connection: pickConnection(store, connectionId) };
}
