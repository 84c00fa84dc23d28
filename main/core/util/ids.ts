import { randomBytes } from 'node:crypto';

/**
 * Connection ids: short, unique across sessions (so merged files never clash), and sortable by
 * creation within a process thanks to the counter prefix.
 */
let counter = 0;
const processTag = randomBytes(3).toString('hex');

export function newConnectionId(): string {
  counter += 1;
  return `${processTag}-${counter.toString(36)}`;
}
