import type { Connection } from '../../shared/model/connection.ts';
import { serializeConnection, serializeEntry } from '../core/session/ndjson.ts';
import type { SessionStore } from '../core/session/store.ts';
import { writeStdout } from './stdout.ts';

/**
 * Prints a store's changes as session-file lines on stdout (connect, proxy --json, replay): a new
 * connection's line before its entries, a changed one after the entries of the same batch, so the
 * output reads in the order things happened and the last line for an id is its final state.
 */
export function printNdjson(store: SessionStore): () => void {
  const printed = new Set<string>();
  return store.subscribe((batch) => {
    const changed: Connection[] = [];
    for (const connection of batch.connections) {
      if (printed.has(connection.id)) changed.push(connection);
      else {
        printed.add(connection.id);
        writeStdout(serializeConnection(connection) + '\n');
      }
    }
    for (const entry of batch.entries) writeStdout(serializeEntry(entry) + '\n');
    for (const connection of changed) writeStdout(serializeConnection(connection) + '\n');
  });
}
