import type { HeaderList } from '../../../shared/model/connection.ts';

/** An HTTP/1.x message head as it was on the wire. */
export interface HttpHead {
  startLine: string;
  headers: HeaderList;
  /** Bytes of the head including the blank line. */
  size: number;
}

const maxHeadSize = 64 * 1024;

/**
 * Collects the bytes of one HTTP/1.x head from a byte stream split anyhow. `push` returns the
 * head and the bytes that followed it once the blank line has arrived, `null` before.
 */
export class HttpHeadReader {
  #chunks: Buffer[] = [];
  #length = 0;
  #done = false;

  push(chunk: Buffer): { head: HttpHead; rest: Buffer } | { error: string } | null {
    if (this.#done) return null;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const all = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [all];
    // The blank line may straddle chunks; search from just before the new bytes.
    const end = all.indexOf('\r\n\r\n', Math.max(0, this.#length - chunk.length - 3), 'latin1');
    if (end < 0) {
      if (this.#length > maxHeadSize) {
        this.#done = true;
        return { error: `HTTP head larger than ${maxHeadSize} bytes` };
      }
      return null;
    }
    this.#done = true;
    this.#chunks = [];
    const size = end + 4;
    return { head: parseHttpHead(all.toString('latin1', 0, end), size), rest: all.subarray(size) };
  }
}

/** Parses a head's text (latin1, without the blank line) keeping header order and repeats. */
export function parseHttpHead(text: string, size: number): HttpHead {
  const lines = text.split('\r\n');
  const headers: HeaderList = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { startLine: lines[0] ?? '', headers, size };
}

/** Status code and reason of a response start line such as `HTTP/1.1 101 Switching Protocols`. */
export function parseStatusLine(line: string): { status: number; statusText: string } | null {
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(line);
  if (!match?.[1]) return null;
  return { status: Number(match[1]), statusText: match[2] ?? '' };
}

/** Node's rawHeaders ([name, value, name, value, …]) as a header list. */
export function headerListFromRaw(raw: readonly string[]): HeaderList {
  const list: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return list;
}

export function headerValue(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}
