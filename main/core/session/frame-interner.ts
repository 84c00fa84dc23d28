import type { FrameDetail } from '../../../shared/model/entry.ts';

/**
 * Almost every WebSocket message carries one of a handful of frame details (opcode 1 or 2, fin,
 * masked or not, one fragment). Sharing one frozen object per distinct detail saves a whole
 * object (~88 bytes) per entry. Details with a compressed size are per-message and kept as given
 * (copied, so the store never aliases a caller's object).
 */
export class FrameInterner {
  readonly #shared = new Map<number, FrameDetail>();

  intern(frame: FrameDetail): FrameDetail {
    if (frame.compressedSize !== undefined || !isSmallInt(frame.opcode, 0xff)) {
      return copyFrame(frame);
    }
    if (!isSmallInt(frame.fragments, 0xffff)) return copyFrame(frame);
    const key =
      frame.opcode +
      (frame.fin ? 0x100 : 0) +
      (frame.rsv1 ? 0x200 : 0) +
      (frame.rsv2 ? 0x400 : 0) +
      (frame.rsv3 ? 0x800 : 0) +
      (frame.masked ? 0x1000 : 0) +
      frame.fragments * 0x2000;
    let shared = this.#shared.get(key);
    if (shared === undefined) {
      shared = Object.freeze(copyFrame(frame));
      this.#shared.set(key, shared);
    }
    return shared;
  }
}

function isSmallInt(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= max;
}

/** Always the same property order, so every detail shares one hidden class. */
function copyFrame(f: FrameDetail): FrameDetail {
  return {
    opcode: f.opcode,
    fin: f.fin,
    rsv1: f.rsv1,
    rsv2: f.rsv2,
    rsv3: f.rsv3,
    masked: f.masked,
    fragments: f.fragments,
    compressedSize: f.compressedSize,
  };
}
