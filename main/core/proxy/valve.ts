import type { Duplex } from 'node:stream';

/**
 * Pauses a readable side for as long as any reason holds (the peer's write buffer is full, a
 * pipelined request waits for the response before it), and resumes it when none is left.
 */
export class Valve {
  readonly #stream: Duplex;
  readonly #reasons = new Set<string>();

  constructor(stream: Duplex) {
    this.#stream = stream;
  }

  pause(reason: string): void {
    this.#reasons.add(reason);
    this.#stream.pause();
  }

  resume(reason: string): void {
    if (!this.#reasons.delete(reason) || this.#reasons.size !== 0) return;
    this.#stream.resume();
  }
}

/**
 * Writes a chunk to `to`; when `to` says its buffer is full, the source is paused until it
 * drains, so a slow reader slows the writer and memory stays bounded.
 */
export function forward(to: Duplex, chunk: Buffer, source: Valve): void {
  if (to.destroyed || to.writableEnded) return;
  if (!to.write(chunk)) {
    source.pause('drain');
    to.once('drain', () => {
      source.resume('drain');
    });
  }
}
