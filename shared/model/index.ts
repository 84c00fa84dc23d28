export type * from './entry.ts';
export type * from './connection.ts';
