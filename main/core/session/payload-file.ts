/**
 * A session file (a journal being written, or an opened NDJSON file) that evicted payloads are
 * read back from. The file descriptor is opened at once, not on first read: a file opened from a
 * temporary copy may be unlinked right after it was read, and an open descriptor still reads it
 * (POSIX). It is closed by `close()` or when the store that owns it is garbage-collected.
 */
import { closeSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Payload } from '../../../shared/model/entry.ts';
import { base64ToBytes } from './ndjson.ts';

const readAsync = promisify(read);

export class PayloadFile {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'r');
  }

  get fd(): number | undefined {
    return this.#fd;
  }

  /** Exactly `length` bytes at `offset`, or a reason they cannot be had. */
  readSync(offset: number, length: number): Buffer | string {
    const fd = this.#fd;
    if (fd === undefined) return 'the file was closed';
    const bytes = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const n = readSync(fd, bytes, done, length - done, offset + done);
        if (n === 0) return `the file ends before byte ${offset + length}`;
        done += n;
      }
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return bytes;
  }

  /** Up to `length` bytes at `offset` (fewer at the end of the file), or a reason. */
  readUpTo(offset: number, length: number): Buffer | string {
    const fd = this.#fd;
    if (fd === undefined) return 'the file was closed';
    const bytes = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const n = readSync(fd, bytes, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return done === length ? bytes : bytes.subarray(0, done);
  }

  async read(offset: number, length: number): Promise<Buffer | string> {
    const fd = this.#fd;
    if (fd === undefined) return 'the file was closed';
    const bytes = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await readAsync(fd, bytes, done, length - done, offset + done);
        if (bytesRead === 0) return `the file ends before byte ${offset + length}`;
        done += bytesRead;
      }
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return bytes;
  }

  close(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeFd(fd);
  }
}

export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed (EBADF): nothing left to release.
  }
}

/**
 * The payload of the entry line `bytes` (a Telltale NDJSON entry line), checked to be the line
 * of entry `seq`: a file changed behind our back gives a reason, never another entry's payload.
 */
export function payloadOfLine(
  bytes: Buffer,
  start: number,
  end: number,
  seq: number,
): Payload | LoadFailure {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8', start, end));
  } catch {
    return new LoadFailure('the line is not valid JSON any more');
  }
  if (typeof value !== 'object' || value === null)
    return new LoadFailure('the line is not an entry');
  const line = value as {
    type?: unknown;
    seq?: unknown;
    payload?: unknown;
    payloadEncoding?: unknown;
  };
  if (line.type !== 'entry' || line.seq !== seq) {
    return new LoadFailure(`the line is not entry ${seq} any more (the file was changed)`);
  }
  if (typeof line.payload !== 'string') return new LoadFailure('the line has no payload');
  if (line.payloadEncoding === undefined) return line.payload;
  return base64ToBytes(line.payload) ?? new LoadFailure('the payload is not valid base64');
}

/** Why a payload could not be read back (a class, so it is never mistaken for a text payload). */
export class LoadFailure {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}
