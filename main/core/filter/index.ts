/** Filter evaluation over full payloads, in main (the language itself is shared/filter). */
export { compileFilter, type EntryPredicate } from './compile.ts';
export { queryEntries, type QueryOptions, type QueryResult, type QueryableStore } from './query.ts';
export type { FilterProtocolContext } from './protocol-context.ts';
