/**
 * HAR 1.2 export, in memory (`exportHar`, for small sessions and tests) or streamed to a file
 * (`writeHarFile`, for any size: no HAR entry, not even a million-message one, is ever held as
 * one string). Both produce the same JSON. Redacted by default.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Creator } from 'har-format';
import { harArraysOf, harHeadOf, harTailOf } from './har-build.ts';
import type { TelltaleHar, TelltaleHarEntry, TelltaleHarLog } from './har-types.ts';
import { SESSION_FORMAT_VERSION } from './ndjson-schema.ts';
import { redactionPolicy, type RedactionOptions, type RedactionPolicy } from './redaction.ts';
import { selectConnections, type ExportSelection } from './selection.ts';
import type { SessionStore } from './store.ts';

/** Kept in step with package.json by hand (reading it at run time is not worth a file read). */
export const TELLTALE_CREATOR: Creator = { name: 'Telltale', version: '0.1.0' };

export interface HarExportOptions {
  /** `false` keeps everything; default: DEFAULT_REDACTED_HEADERS. */
  redact?: RedactionOptions | boolean;
  selection?: ExportSelection;
  /** `log._telltale.created` (epoch ms), default now. */
  created?: number;
  creator?: Creator;
  /**
   * Derived records (protocol messages and pairs, LLM summaries, findings: the NDJSON export's
   * lines of those types), written as `_telltaleRecords` of their connection's HAR entry.
   */
  extraRecords?: ExtraRecords;
}

export type ExtraRecords = (
  connectionIds: ReadonlySet<string>,
) => Iterable<{ type: string; connectionId?: string }>;

/** The derived records by connection (computed once per export: views are built from the store). */
function recordsByConnection(
  store: SessionStore,
  extra: ExtraRecords | undefined,
): (connectionId: string) => object[] {
  if (extra === undefined) return () => [];
  const ids = new Set(store.connections().map((c) => c.id));
  const by = new Map<string, object[]>();
  for (const record of extra(ids)) {
    if (record.connectionId === undefined) continue;
    const list = by.get(record.connectionId);
    if (list === undefined) by.set(record.connectionId, [record]);
    else list.push(record);
  }
  return (connectionId) => by.get(connectionId) ?? [];
}

export interface HarExportSummary {
  connections: number;
  entries: number;
}

export function exportHar(store: SessionStore, options: HarExportOptions = {}): TelltaleHar {
  const policy = redactionPolicy(options.redact ?? true);
  const entries: TelltaleHarEntry[] = [];
  const recordsOf = recordsByConnection(store, options.extraRecords);
  for (const selected of selectConnections(store, options.selection)) {
    const entry = harHeadOf(selected, policy) as Record<string, unknown>;
    for (const array of harArraysOf(selected)) entry[array.name] = [...array.items()];
    const records = recordsOf(selected.connection.id);
    entries.push({
      ...(entry as TelltaleHarEntry),
      ...harTailOf(selected),
      ...(records.length > 0 ? { _telltaleRecords: records } : {}),
    });
  }
  return { log: { ...logHead(options), entries } };
}

/** Writes the HAR to `path` (created 0600: an unredacted export holds credentials). */
export async function writeHarFile(
  path: string,
  store: SessionStore,
  options: HarExportOptions = {},
): Promise<HarExportSummary> {
  const handle = await open(path, 'w', 0o600);
  try {
    const summary = await writeHar(handle, store, options);
    await handle.sync();
    return summary;
  } finally {
    await handle.close();
  }
}

/** Writes the HAR to an open file from its current position (the caller closes it). */
export async function writeHar(
  handle: FileHandle,
  store: SessionStore,
  options: HarExportOptions = {},
): Promise<HarExportSummary> {
  const policy: RedactionPolicy | undefined = redactionPolicy(options.redact ?? true);
  const out = new ChunkedWriter(handle);
  const head = JSON.stringify({ log: { ...logHead(options), entries: [] } });
  // `{"log":{…,"entries":[` then the entries, then `]}}`.
  await out.write(head.slice(0, -3));
  let connections = 0;
  let entries = 0;
  const recordsOf = recordsByConnection(store, options.extraRecords);
  for (const selected of selectConnections(store, options.selection)) {
    await out.write(connections === 0 ? '\n' : ',\n');
    connections += 1;
    const entryHead = JSON.stringify(harHeadOf(selected, policy));
    await out.write(entryHead.slice(0, -1));
    for (const array of harArraysOf(selected)) {
      await out.write(`,${JSON.stringify(array.name)}:[`);
      let first = true;
      for (const item of array.items()) {
        await out.write(first ? JSON.stringify(item) : ',' + JSON.stringify(item));
        first = false;
        if (array.name === '_telltaleEntries') entries += 1;
      }
      await out.write(']');
    }
    const records = recordsOf(selected.connection.id);
    const tail = JSON.stringify({
      ...harTailOf(selected),
      ...(records.length > 0 ? { _telltaleRecords: records } : {}),
    });
    await out.write(tail === '{}' ? '}' : ',' + tail.slice(1));
  }
  await out.write('\n]}}\n');
  await out.end();
  return { connections, entries };
}

function logHead(options: HarExportOptions): Omit<TelltaleHarLog, 'entries'> {
  return {
    version: '1.2',
    creator: options.creator ?? TELLTALE_CREATOR,
    pages: [],
    _telltale: { version: SESSION_FORMAT_VERSION, created: options.created ?? Date.now() },
  };
}

const CHUNK_CHARS = 1 << 20;

/** Gathers small strings into writes of about 1 MiB; `write` awaits only when it writes. */
class ChunkedWriter {
  readonly #handle: FileHandle;
  #parts: string[] = [];
  #chars = 0;

  constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  async write(text: string): Promise<void> {
    this.#parts.push(text);
    this.#chars += text.length;
    if (this.#chars >= CHUNK_CHARS) await this.end();
  }

  async end(): Promise<void> {
    if (this.#parts.length === 0) return;
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#chars = 0;
    await this.#handle.write(chunk, null, 'utf8');
  }
}
