/**
 * An InspectorApi stand-in for renderer tests: holds rows, answers queries with a predicate over
 * them, and lets the test emit events. Only what the renderer calls is implemented.
 */
import type { EntryQuery, InspectorApi, Settings } from '../../../shared/api.ts';
import type { Connection } from '../../../shared/model/connection.ts';
import type { EntryRow } from '../../../shared/model/wire.ts';

type Listener<T> = (value: T) => void;

export interface FakeApi {
  api: InspectorApi;
  rows: EntryRow[];
  queries: EntryQuery[];
  emitEntries(rows: EntryRow[]): void;
  emitConnections(connections: Connection[]): void;
  sent: { connectionId: string; message: unknown }[];
  /** Make sendMessage fail with this message. */
  failSend: string | null;
}

function matches(row: EntryRow, query: EntryQuery): boolean {
  if (query.fromSeq !== undefined && row.seq < query.fromSeq) return false;
  if (query.kinds && !query.kinds.includes(row.kind)) return false;
  if (query.direction && row.direction !== query.direction) return false;
  if (query.connectionId && row.connectionId !== query.connectionId) return false;
  if (query.filter && !row.preview.includes(query.filter)) return false;
  return true;
}

export function fakeApi(initial: EntryRow[] = [], connections: Connection[] = []): FakeApi {
  const entryListeners = new Set<Listener<EntryRow[]>>();
  const connectionListeners = new Set<Listener<Connection[]>>();
  const settings: Settings = { theme: 'system', timeDisplay: 'absolute' };
  const fake: FakeApi = {
    rows: [...initial],
    queries: [],
    sent: [],
    failSend: null,
    emitEntries(rows) {
      fake.rows.push(...rows);
      for (const listener of entryListeners) listener(rows);
    },
    emitConnections(list) {
      for (const listener of connectionListeners) listener(list);
    },
    api: {
      hello: () => Promise.resolve({ version: '0.0.0', host: 'test' as const }),
      listConnections: () => Promise.resolve(connections),
      openConnection: () => Promise.reject(new Error('not in the fake')),
      closeConnection: () => Promise.reject(new Error('not in the fake')),
      sendMessage: (connectionId, message) => {
        if (fake.failSend) return Promise.reject(new Error(fake.failSend));
        fake.sent.push({ connectionId, message });
        return Promise.resolve();
      },
      queryEntries: (query) => {
        fake.queries.push(query);
        const seqs = fake.rows.filter((row) => matches(row, query)).map((row) => row.seq);
        return Promise.resolve({ seqs, total: seqs.length });
      },
      getRows: (seqs) => {
        const wanted = new Set(seqs);
        return Promise.resolve(fake.rows.filter((row) => wanted.has(row.seq)));
      },
      getEntry: () => Promise.resolve(null),
      sessionInfo: () =>
        Promise.resolve({
          connections: connections.length,
          entries: fake.rows.length,
          lastSeq: fake.rows.at(-1)?.seq ?? 0,
        }),
      clearSession: () => Promise.resolve(),
      getSettings: () => Promise.resolve(settings),
      updateSettings: (patch) => Promise.resolve({ ...settings, ...patch }),
      onEntries: (listener) => {
        entryListeners.add(listener);
        return () => entryListeners.delete(listener);
      },
      onConnections: (listener) => {
        connectionListeners.add(listener);
        return () => connectionListeners.delete(listener);
      },
      getProxyState: () => Promise.resolve({ running: false, settings: { port: 8080 } }),
      onProxyState: () => () => undefined,
      onSessionReset: () => () => undefined,
      onSettings: () => () => undefined,
      listLlmSummaries: () => Promise.resolve([]),
      listFindings: () => Promise.resolve([]),
      getBreakpoints: () => Promise.resolve({ rules: [], handshakeRules: [], paused: [] }),
      listMocks: () => Promise.resolve([]),
      onLlm: () => () => undefined,
      onFindings: () => () => undefined,
      onBreakpoints: () => () => undefined,
      getProtocols: () => Promise.resolve({ channels: [], unanswered: [], fallbacks: [] }),
      getProtocolDetail: () => Promise.resolve(null),
      getChannelMessages: () => Promise.resolve(null),
      onProtocols: () => () => undefined,
    } satisfies Partial<InspectorApi> as unknown as InspectorApi,
  };
  return fake;
}
