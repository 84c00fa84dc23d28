/**
 * A bounded cursor over one MQTT packet's bytes, with the spec's data representations (§1.5):
 * two- and four-byte integers, variable byte integers, length-prefixed binary data and UTF-8
 * strings. Reading past `end` throws `Short`, which the packet parser turns into `mqtt.short`.
 */
import { utf8 } from '../dissect/bytes.ts';

/** Thrown inside the parsers only, always caught there: fields longer than their packet. */
export class Short extends Error {}

export class Reader {
  readonly bytes: Uint8Array;
  at: number;
  readonly end: number;

  constructor(bytes: Uint8Array, at: number, end: number) {
    this.bytes = bytes;
    this.at = at;
    this.end = end;
  }

  get left(): number {
    return this.end - this.at;
  }

  u8(): number {
    if (this.at >= this.end) throw new Short();
    return this.bytes[this.at++] ?? 0;
  }

  u16(): number {
    return this.u8() * 256 + this.u8();
  }

  u32(): number {
    return this.u16() * 65536 + this.u16();
  }

  /** Variable byte integer: at most 4 bytes, 7 bits each, low first. */
  varint(): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      value += (b & 0x7f) * 128 ** i;
      if ((b & 0x80) === 0) return value;
    }
    throw new Short();
  }

  bin(): Uint8Array {
    const n = this.u16();
    if (n > this.left) throw new Short();
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  str(): string {
    return utf8.decode(this.bin());
  }

  /** A sub-reader over the next `n` bytes, which this reader skips. */
  take(n: number): Reader {
    if (n > this.left) throw new Short();
    const sub = new Reader(this.bytes, this.at, this.at + n);
    this.at += n;
    return sub;
  }

  rest(): Uint8Array {
    const out = this.bytes.subarray(this.at, this.end);
    this.at = this.end;
    return out;
  }
}
