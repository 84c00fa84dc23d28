import { randomBytes } from 'node:crypto';

export interface FrameToEncode {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  rsv1?: boolean;
  /** Toward the server every frame is masked (a fresh random key each time); toward the client never. */
  mask: boolean;
}

/** One RFC 6455 frame, header and (masked) payload, in a new Buffer. */
export function encodeFrame(frame: FrameToEncode): Buffer {
  const { payload } = frame;
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const headerSize = 2 + lengthBytes + (frame.mask ? 4 : 0);
  const out = Buffer.allocUnsafe(headerSize + length);
  out[0] = ((frame.fin ?? true) ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.opcode & 0x0f);
  const maskBit = frame.mask ? 0x80 : 0;
  if (lengthBytes === 0) out[1] = maskBit | length;
  else if (lengthBytes === 2) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!frame.mask) {
    payload.copy(out, headerSize);
    return out;
  }
  const key = randomBytes(4);
  key.copy(out, 2 + lengthBytes);
  for (let i = 0; i < length; i++) {
    out[headerSize + i] = (payload[i] ?? 0) ^ (key[i & 3] ?? 0);
  }
  return out;
}
