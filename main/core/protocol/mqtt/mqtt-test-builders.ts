/** Builders for MQTT packets in tests, from the spec's encodings (§1.5, §2.2.2). */

export function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export const u16 = (n: number): number[] => [n >> 8, n & 0xff];
export const u32 = (n: number): number[] => [...u16(Math.floor(n / 65536)), ...u16(n % 65536)];

export function bin(bytes: readonly number[] | Uint8Array): number[] {
  return [...u16(bytes.length), ...bytes];
}

export const str = (s: string): number[] => bin(Buffer.from(s));

/** A whole packet: first byte, remaining length, body. */
export const packet = (first: number, body: readonly number[]): Uint8Array =>
  Uint8Array.from([first, ...varint(body.length), ...body]);

/** One property block: its length, then the properties given (each already encoded). */
export const props = (...properties: (readonly number[])[]): number[] => {
  const flat = properties.flat();
  return [...varint(flat.length), ...flat];
};

/** Property encoders by value type. */
export const p = {
  byte: (id: number, v: number) => [id, v],
  u16: (id: number, v: number) => [id, ...u16(v)],
  u32: (id: number, v: number) => [id, ...u32(v)],
  varint: (id: number, v: number) => [id, ...varint(v)],
  str: (id: number, s: string) => [id, ...str(s)],
  bin: (id: number, bytes: readonly number[]) => [id, ...bin(bytes)],
  user: (key: string, value: string) => [0x26, ...str(key), ...str(value)],
};
