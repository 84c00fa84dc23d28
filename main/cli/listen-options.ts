import { isIP } from 'node:net';
import { UsageError } from './usage.ts';

/** A TCP port from a flag; 0 asks the system for a free one (tests use it). */
export function parsePort(flag: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new UsageError(`${flag} ${raw}: expected a port number 0–65535`);
  return port;
}

/** Telltale listens on loopback unless told otherwise; say so loudly when it is told. */
export function warnIfNotLoopback(host: string): void {
  const loopback =
    host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback) {
    process.stderr.write(
      `telltale: warning: listening on ${host}, beyond loopback: anyone who can reach this address and has the token can use Telltale\n`,
    );
  }
}
