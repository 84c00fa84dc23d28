/**
 * Which part of a session an export writes: a set of connections, entries matching a predicate
 * (the filter language in shared/filter compiles to one), or both.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { SessionStore } from './store.ts';

export type EntryPredicate = (entry: Entry, connection: Connection) => boolean;

export interface ExportSelection {
  /** Only these connections (all when absent). */
  connectionIds?: Iterable<string>;
  /**
   * Only entries for which this is true. A connection none of whose entries match is left out;
   * one that had no entries at all is kept (a refused handshake, a plain HTTP request).
   */
  entryFilter?: EntryPredicate;
}

export interface SelectedConnection {
  connection: Connection;
  /** The selected entries of the connection in seq order; may be iterated more than once. */
  entries(): Iterable<Entry>;
}

export function* selectConnections(
  store: SessionStore,
  selection: ExportSelection = {},
): Generator<SelectedConnection, void, undefined> {
  const ids = selection.connectionIds === undefined ? undefined : new Set(selection.connectionIds);
  const filter = selection.entryFilter;
  for (const connection of store.connections()) {
    if (ids !== undefined && !ids.has(connection.id)) continue;
    if (filter === undefined) {
      yield { connection, entries: () => store.entriesOf(connection.id) };
      continue;
    }
    if (store.countOf(connection.id) > 0 && !someEntry(store, connection, filter)) continue;
    yield {
      connection,
      entries: () => filtered(store.entriesOf(connection.id), connection, filter),
    };
  }
}

/**
 * Selected entries of every selected connection, in seq order across connections. With no
 * selection at all this is every entry, those without a connection line included.
 */
export function* selectEntries(
  store: SessionStore,
  selection: ExportSelection,
  selected: ReadonlyMap<string, Connection>,
): Generator<Entry, void, undefined> {
  const filter = selection.entryFilter;
  if (filter === undefined && selection.connectionIds === undefined) {
    yield* store.allEntries();
    return;
  }
  for (const entry of store.allEntries()) {
    const connection = selected.get(entry.connectionId);
    if (connection === undefined) continue;
    if (filter === undefined || filter(entry, connection)) yield entry;
  }
}

function someEntry(store: SessionStore, connection: Connection, filter: EntryPredicate): boolean {
  for (const entry of store.entriesOf(connection.id)) if (filter(entry, connection)) return true;
  return false;
}

function* filtered(
  entries: Iterable<Entry>,
  connection: Connection,
  filter: EntryPredicate,
): Generator<Entry, void, undefined> {
  for (const entry of entries) if (filter(entry, connection)) yield entry;
}
