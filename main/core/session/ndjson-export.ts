/**
 * A session, or a selection of it, written as a Telltale NDJSON file for sharing: redacted by
 * default (unlike the journal, which NdjsonSessionWriter writes unredacted as capture goes).
 * Streams: memory stays flat however many entries there are.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import { NdjsonSessionWriter } from './ndjson-writer.ts';
import { redactConnection, redactionPolicy, type RedactionOptions } from './redaction.ts';
import { selectConnections, selectEntries, type ExportSelection } from './selection.ts';
import type { SessionStore } from './store.ts';

export interface NdjsonExportOptions {
  /** `false` keeps everything; default: DEFAULT_REDACTED_HEADERS. */
  redact?: RedactionOptions | boolean;
  selection?: ExportSelection;
  /** Header `created` (epoch ms), default now. */
  created?: number;
  /**
   * Derived records written after the entries (LLM summaries, diagnostics findings), for the
   * selected connections only. Given by the caller: the session code knows nothing of them.
   */
  extraRecords?: (
    connectionIds: ReadonlySet<string>,
  ) => Iterable<{ type: string; connectionId?: string }>;
}

export interface ExportSummary {
  connections: number;
  entries: number;
}

/** Lines queued between waits for the disk, so the queue never holds the whole session. */
const LINES_PER_FLUSH = 8192;

export async function writeNdjsonFile(
  path: string,
  store: SessionStore,
  options: NdjsonExportOptions = {},
): Promise<ExportSummary> {
  const policy = redactionPolicy(options.redact ?? true);
  const selection = options.selection ?? {};
  const writer = new NdjsonSessionWriter(
    path,
    options.created === undefined ? {} : { created: options.created },
  );
  try {
    const selected = new Map<string, Connection>();
    for (const { connection } of selectConnections(store, selection)) {
      selected.set(connection.id, connection);
      writer.writeConnection(redactConnection(connection, policy));
    }
    let entries = 0;
    for (const entry of selectEntries(store, selection, selected)) {
      writer.writeEntry(entry);
      entries += 1;
      if (entries % LINES_PER_FLUSH === 0) await writer.flush();
    }
    const ids = new Set(selected.keys());
    for (const record of options.extraRecords?.(ids) ?? []) {
      if (record.connectionId === undefined || ids.has(record.connectionId))
        writer.writeRecord(record);
    }
    return { connections: selected.size, entries };
  } finally {
    await writer.close();
  }
}
