import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { HttpResponseInfo } from '../../../shared/model/connection.ts';

export const maxRecordedBody = 64 * 1024;

/**
 * Reads at most `limit` bytes of a response body for the record (a refused handshake, a failed
 * SSE request), then stops reading; text where it is UTF-8, base64 otherwise.
 */
export async function readBoundedBody(
  body: Readable | AsyncIterable<Uint8Array>,
  limit = maxRecordedBody,
): Promise<Pick<HttpResponseInfo, 'body' | 'bodyBase64' | 'bodyTruncated'>> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (size + buffer.length > limit) {
        chunks.push(buffer.subarray(0, limit - size));
        size = limit;
        truncated = true;
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } catch {
    // A body cut short is recorded as far as it went.
    truncated = true;
  }
  const all = Buffer.concat(chunks, size);
  const text = isUtf8(all)
    ? { body: all.toString('utf8') }
    : { bodyBase64: all.toString('base64') };
  return truncated ? { ...text, bodyTruncated: true } : text;
}
