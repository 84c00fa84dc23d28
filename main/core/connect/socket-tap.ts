import type { Socket } from 'node:net';

export interface SocketTapSink {
  /** Bytes the socket received, in order, each exactly once. */
  onRead(chunk: Buffer): void;
  /** Bytes handed to the socket for writing, in order. */
  onWrite(chunk: Buffer): void;
}

/**
 * Sees a copy of every byte a socket reads and writes, beside whoever owns the socket (here the
 * `ws` client). Reads are tapped with the first 'data' listener. Bytes pushed back with
 * `unshift` (ws does that with the bytes that followed the 101 head) were already seen, so they
 * are skipped once when they come round again.
 */
export function tapSocket(socket: Socket, sink: SocketTapSink): void {
  let replayed = 0;

  const unshift = socket.unshift.bind(socket);
  socket.unshift = (chunk: Buffer | string | Uint8Array, encoding?: BufferEncoding) => {
    replayed += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    unshift(chunk, encoding);
  };

  socket.on('data', (chunk: Buffer) => {
    if (replayed > 0) {
      const skip = Math.min(replayed, chunk.length);
      replayed -= skip;
      if (skip === chunk.length) return;
      chunk = chunk.subarray(skip);
    }
    sink.onRead(chunk);
  });

  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]) => {
    const [data, encoding] = args;
    if (typeof data === 'string') {
      sink.onWrite(
        Buffer.from(data, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      );
    } else if (data instanceof Uint8Array) {
      sink.onWrite(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    return write(...args);
  };
}
