/** Byte-level helpers for dissectors of framed protocols (STOMP, SignalR records). */
import type { Entry } from '../../../../shared/model/entry.ts';

const encoder = new TextEncoder();
export const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The bytes of a data entry (text encoded as UTF-8); undefined for control and notes. */
export function dataBytes(entry: Entry): Uint8Array | undefined {
  if (entry.kind !== 'text' && entry.kind !== 'binary' && entry.kind !== 'event') return undefined;
  return typeof entry.payload === 'string' ? encoder.encode(entry.payload) : entry.payload;
}

/**
 * Bytes of one direction not yet consumed: what arrived since the last complete record. Kept as
 * one growing array so a record split over many messages is parsed once it is whole.
 */
export class PendingBytes {
  #bytes: Uint8Array = new Uint8Array(0);

  get length(): number {
    return this.#bytes.length;
  }

  get bytes(): Uint8Array {
    return this.#bytes;
  }

  push(more: Uint8Array): void {
    if (this.#bytes.length === 0) {
      this.#bytes = more;
      return;
    }
    const joined = new Uint8Array(this.#bytes.length + more.length);
    joined.set(this.#bytes);
    joined.set(more, this.#bytes.length);
    this.#bytes = joined;
  }

  consume(count: number): void {
    this.#bytes = this.#bytes.subarray(count);
  }

  clear(): void {
    this.#bytes = new Uint8Array(0);
  }
}

/** Unconsumed bytes a record may grow to before the dissector calls it malformed. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
