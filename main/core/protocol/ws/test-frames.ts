/**
 * Builds WebSocket frames byte by byte for tests and benchmarks, including the malformed ones a
 * conforming sender would refuse to produce (reserved opcodes, RSV bits, non-minimal lengths…).
 */
import { constants, createDeflateRaw } from 'node:zlib';
import type { DeflateRaw } from 'node:zlib';
import { WsFrameDecoder } from './frame-decoder.ts';
import type { DecodedWsMessage, WsFrameDecoderOptions } from './types.ts';

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** A 4-byte masking key, or true for a fixed non-trivial key. Absent: unmasked. */
  mask?: Uint8Array | boolean;
  /** Force the 16-bit (126) or 64-bit (127) length form. */
  lengthForm?: 7 | 16 | 64;
  /** Write this length instead of the payload's (for corrupt headers). */
  declaredLength?: bigint;
}

export const DEFAULT_MASK = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

export function bytes(data: Uint8Array | string | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

export function frame(spec: FrameSpec): Uint8Array {
  const payload = bytes(spec.payload);
  const length = spec.declaredLength ?? BigInt(payload.length);
  const form = spec.lengthForm ?? (length < 126n ? 7 : length < 0x10000n ? 16 : 64);
  const mask =
    spec.mask === true ? DEFAULT_MASK : spec.mask instanceof Uint8Array ? spec.mask : null;
  const headerSize = 2 + (form === 16 ? 2 : form === 64 ? 8 : 0) + (mask ? 4 : 0);
  const out = new Uint8Array(headerSize + payload.length);
  out[0] =
    ((spec.fin ?? true) ? 0x80 : 0) |
    (spec.rsv1 ? 0x40 : 0) |
    (spec.rsv2 ? 0x20 : 0) |
    (spec.rsv3 ? 0x10 : 0) |
    (spec.opcode & 0x0f);
  let at = 2;
  if (form === 7) {
    out[1] = Number(length);
  } else if (form === 16) {
    out[1] = 126;
    out[2] = Number(length >> 8n) & 0xff;
    out[3] = Number(length) & 0xff;
    at = 4;
  } else {
    out[1] = 127;
    for (let i = 0; i < 8; i++) out[2 + i] = Number((length >> BigInt(56 - 8 * i)) & 0xffn);
    at = 10;
  }
  if (mask) {
    out[1] |= 0x80;
    out.set(mask.subarray(0, 4), at);
    at += 4;
  }
  for (let i = 0; i < payload.length; i++) {
    out[at + i] = (payload[i] ?? 0) ^ (mask ? (mask[i & 3] ?? 0) : 0);
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function closePayload(code: number, reason: Uint8Array | string = ''): Uint8Array {
  const r = bytes(reason);
  const out = new Uint8Array(2 + r.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(r, 2);
  return out;
}

/** Splits `data` into pieces of `size` bytes (the last may be shorter). */
export function chop(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/**
 * A permessage-deflate sender for one direction: a persistent raw deflate context flushed with
 * Z_SYNC_FLUSH per message and the trailing 00 00 ff ff stripped (RFC 7692 §7.2.1), which is what
 * ws does. `noContextTakeover` resets the context after every message.
 */
export class TestDeflater {
  private deflater: DeflateRaw;
  private readonly windowBits: number;
  private readonly noContextTakeover: boolean;

  constructor(options: { windowBits?: number; noContextTakeover?: boolean } = {}) {
    this.windowBits = options.windowBits ?? 15;
    this.noContextTakeover = options.noContextTakeover ?? false;
    this.deflater = createDeflateRaw({ windowBits: this.windowBits });
  }

  async compress(data: Uint8Array | string): Promise<Uint8Array> {
    const input = bytes(data);
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    this.deflater.on('data', onData);
    this.deflater.write(input);
    await new Promise<void>((resolve) => {
      this.deflater.flush(constants.Z_SYNC_FLUSH, () => {
        resolve();
      });
    });
    this.deflater.off('data', onData);
    const all = concat(chunks);
    if (this.noContextTakeover) {
      this.deflater.close();
      this.deflater = createDeflateRaw({ windowBits: this.windowBits });
    }
    return all.subarray(0, all.length - 4);
  }

  close(): void {
    this.deflater.close();
  }
}

/** Feeds `stream` in pieces of `chunkSize` (whole when absent) and returns every output. */
export function decodeStream(
  stream: Uint8Array,
  options: WsFrameDecoderOptions,
  chunkSize?: number,
): DecodedWsMessage[] {
  const out: DecodedWsMessage[] = [];
  const decoder = new WsFrameDecoder((m) => out.push(m), options);
  if (chunkSize === undefined) decoder.feed(stream);
  else for (const piece of chop(stream, chunkSize)) decoder.feed(piece);
  decoder.end();
  return out;
}

/** Outputs in a form that compares by value (payload bytes as plain arrays of numbers). */
export function comparable(messages: readonly DecodedWsMessage[]): unknown[] {
  return messages.map((m) => ({
    ...m,
    payload: typeof m.payload === 'string' ? m.payload : Array.from(m.payload),
  }));
}
