/** Hand-built sessions for dissector tests: one connection, entries given as wire messages. */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction, EntryKind, Payload } from '../../../../shared/model/entry.ts';
import { SessionStore } from '../../session/store.ts';

export interface TestMessage {
  dir: Direction;
  data: Payload;
  /** Milliseconds after the connection opened (default: one per message). */
  at?: number;
  kind?: EntryKind;
}

export function testConnection(id: string, patch: Partial<Connection> = {}): Connection {
  return {
    id,
    kind: 'ws',
    source: 'client',
    url: 'ws://127.0.0.1:1/',
    method: 'GET',
    requestHeaders: [],
    state: 'open',
    openedAt: 1000,
    bytesOut: 0,
    bytesIn: 0,
    ...patch,
  };
}

/** Appends one connection's messages to `store` (a new store when absent). */
export function sessionWith(
  connection: Connection,
  messages: readonly TestMessage[],
  store = new SessionStore(),
): SessionStore {
  store.addConnection(connection);
  for (const [i, m] of messages.entries()) {
    const size = typeof m.data === 'string' ? Buffer.byteLength(m.data) : m.data.byteLength;
    const kind =
      m.kind ??
      (connection.kind === 'sse' ? 'event' : typeof m.data === 'string' ? 'text' : 'binary');
    store.append({
      connectionId: connection.id,
      time: connection.openedAt + (m.at ?? i + 1),
      direction: m.dir,
      kind,
      payload: m.data,
      payloadSize: size,
      wireSize: size + 2,
      ...(kind === 'event' ? { sse: { event: 'message', lastEventId: '' } } : {}),
    });
  }
  return store;
}

export const out = (data: Payload, at?: number): TestMessage =>
  at === undefined ? { dir: 'out', data } : { dir: 'out', data, at };
export const inn = (data: Payload, at?: number): TestMessage =>
  at === undefined ? { dir: 'in', data } : { dir: 'in', data, at };
