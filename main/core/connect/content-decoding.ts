import zlib from 'node:zlib';
import { pipeline } from 'node:stream';
import type { Readable, Transform } from 'node:stream';

/**
 * A streaming decoder for a Content-Encoding, flushing as data arrives so a compressed event
 * stream still decodes event by event. `null` for identity (or no header).
 */
export function contentDecoder(contentEncoding: string): Transform | null {
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return null;
  if (codings.length > 1)
    throw new Error(`unsupported stacked Content-Encoding "${contentEncoding}"`);
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (codings[0]) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      // Servers send zlib-wrapped or raw deflate under this name; createUnzip only sniffs gzip/zlib.
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    case 'zstd':
      return zlib.createZstdDecompress();
    default:
      throw new Error(`unsupported Content-Encoding "${contentEncoding}"`);
  }
}

/**
 * The body as content-decoded chunks, counting the bytes as they came off the wire. Throws at
 * once for an encoding it cannot decode; a body error or abort ends the iteration with it.
 */
export function decodeBody(
  body: Readable,
  contentEncoding: string,
  onWireBytes: (count: number) => void,
): AsyncIterable<Buffer> {
  const decoder = contentDecoder(contentEncoding);
  body.on('data', (chunk: Buffer) => {
    onWireBytes(chunk.length);
  });
  if (!decoder) return body;
  // pipeline, unlike pipe, carries an upstream error or abort into the decoder.
  return pipeline(body, decoder, () => undefined);
}
