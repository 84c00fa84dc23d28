/** Runs a filter over a session store: the matching seqs (up to a limit) and their count. */
import type { FilterAst, FilterError } from '../../../shared/filter/ast.ts';
import { parseFilter } from '../../../shared/filter/parser.ts';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { compileFilter } from './compile.ts';
import type { FilterProtocolContext } from './protocol-context.ts';

export interface QueryOptions {
  /** Only this connection's entries. */
  connectionId?: string;
  /** Only entries with seq >= fromSeq (to extend an earlier result as entries arrive). */
  fromSeq?: number;
  /** At most this many seqs in `seqs` (the first ones in seq order); `total` still counts all. */
  limit?: number;
  /** Answers protocol terms; without it they match nothing. Take a fresh one per query. */
  protocols?: FilterProtocolContext;
}

export interface QueryResult {
  /** Matching seqs in increasing order, at most `limit` of them. */
  seqs: number[];
  /** How many entries matched in all (may exceed `seqs.length`). */
  total: number;
  /** Set when the filter text does not parse; then nothing matched. */
  error?: FilterError;
}

export type QueryableStore = Pick<
  SessionStore,
  'allEntries' | 'entriesOf' | 'getConnection' | 'countOf' | 'entryOf'
>;

export function queryEntries(
  store: QueryableStore,
  filter: string | FilterAst,
  options: QueryOptions = {},
): QueryResult {
  let ast: FilterAst;
  if (typeof filter === 'string') {
    const parsed = parseFilter(filter);
    if (!parsed.ok) return { seqs: [], total: 0, error: parsed.error };
    ast = parsed.filter;
  } else {
    ast = filter;
  }
  const matches = compileFilter(ast, options.protocols);
  const limit = normalizeLimit(options.limit);
  const fromSeq = options.fromSeq ?? 1;
  const seqs: number[] = [];
  let total = 0;
  // Entries of one connection arrive in runs: remember the last lookup.
  let lastId: string | undefined;
  let lastConnection: Connection | undefined;
  for (const entry of entriesToScan(store, options.connectionId, fromSeq)) {
    if (entry.connectionId !== lastId) {
      lastId = entry.connectionId;
      lastConnection = store.getConnection(lastId);
    }
    if (matches(entry, lastConnection)) {
      if (total < limit) seqs.push(entry.seq);
      total++;
    }
  }
  return { seqs, total };
}

function normalizeLimit(limit: number | undefined): number {
  if (limit === undefined || Number.isNaN(limit)) return Infinity;
  return Math.max(0, Math.floor(limit));
}

function entriesToScan(
  store: QueryableStore,
  connectionId: string | undefined,
  fromSeq: number,
): Iterable<Entry> {
  if (connectionId === undefined) return store.allEntries(fromSeq);
  return store.entriesOf(connectionId, firstIndexAtOrAfter(store, connectionId, fromSeq));
}

/** Binary search over one connection's entries (their seqs increase) for the first seq >= fromSeq. */
function firstIndexAtOrAfter(store: QueryableStore, connectionId: string, fromSeq: number): number {
  let lo = 0;
  let hi = store.countOf(connectionId);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const entry = store.entryOf(connectionId, mid);
    if (entry !== undefined && entry.seq < fromSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
