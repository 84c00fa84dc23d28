/**
 * Byte-level searches for line breaks. CR (0x0D) and LF (0x0A) are ASCII, so they are never part
 * of a multi-byte UTF-8 sequence and the UTF-8 decoder never swallows them into an invalid one:
 * splitting on these bytes splits the decoded text at exactly the same line breaks.
 *
 * The searches run on Node Buffers: Buffer's indexOf/lastIndexOf are memchr/memrchr, about 15×
 * faster than Uint8Array's on Node 24 (bench/sse-decode.bench.ts is where that shows).
 */
import { Buffer } from 'node:buffer';

export const LF = 0x0a;
export const CR = 0x0d;

/** A Buffer view of the same memory (no copy), for the fast searches. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Index of the last CR or LF in `bytes[0, limit)`, or -1. Scans only the tail after the last LF. */
export function lastLineBreak(bytes: Buffer, limit: number): number {
  // lastIndexOf treats a negative fromIndex as counted from the end, hence the guard.
  const lf = limit > 0 ? bytes.lastIndexOf(LF, limit - 1) : -1;
  let cr = -1;
  for (let i = bytes.indexOf(CR, lf + 1); i !== -1 && i < limit; i = bytes.indexOf(CR, i + 1)) {
    cr = i;
  }
  return cr > lf ? cr : lf;
}

/** Index of the first CR or LF in `bytes`, or -1. */
export function firstLineBreak(bytes: Buffer): number {
  const lf = bytes.indexOf(LF);
  const cr = (lf === -1 ? bytes : bytes.subarray(0, lf)).indexOf(CR);
  return cr === -1 ? lf : cr;
}

/** Index just after the first line break (a CRLF counts whole), or 0 when there is none. */
export function firstLineEnd(bytes: Buffer): number {
  const at = firstLineBreak(bytes);
  if (at === -1) return 0;
  return bytes[at] === CR && bytes[at + 1] === LF ? at + 2 : at + 1;
}

/**
 * Where the complete lines of a chunk end: just after its last line break, except that a CR as
 * the chunk's very last byte does not count yet. That CR may be the first half of a CRLF whose LF
 * arrives in the next chunk, and deciding early would make sizes depend on how the bytes were
 * split. Returns 0 when the chunk completes no line.
 */
export function completeLinesEnd(bytes: Buffer): number {
  const n = bytes.length;
  const last = lastLineBreak(bytes, n);
  if (last === -1) return 0;
  if (last === n - 1 && bytes[last] === CR) return lastLineBreak(bytes, n - 1) + 1;
  return last + 1;
}

/** The UTF-8 encoded byte order mark, which the spec strips once at the start of a stream. */
export function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Concatenates `parts` (then `tail`) into one new array. */
export function joinBytes(
  parts: readonly Uint8Array[],
  total: number,
  tail?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(total + (tail === undefined ? 0 : tail.length));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  if (tail !== undefined) out.set(tail, at);
  return out;
}
