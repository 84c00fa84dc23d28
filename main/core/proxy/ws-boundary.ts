/**
 * Where messages end in one direction of a WebSocket byte stream, found by reading frame headers
 * only (payloads are skipped, never copied or unmasked). The proxy uses it to put a message of
 * its own between two messages of the peers: never inside a frame, and never between the
 * fragments of a fragmented message (RFC 6455 §5.4 forbids interleaving data frames).
 */
/** A frame ended at `end` (offset in the chunk being scanned). */
export type FrameListener = (end: number, control: boolean, endsMessage: boolean) => void;

export class WsBoundaryScanner {
  /** Header bytes of the frame being read (2 to 14). */
  readonly #header = Buffer.alloc(14);
  #headerHave = 0;
  #payloadLeft = 0;
  #inPayload = false;
  #frameEndsMessage = false;
  #frameControl = false;
  /** Inside a fragmented data message (its first frame had FIN clear). */
  #fragmented = false;
  /** A close frame went by: no data frame may follow it in this direction. */
  #closed = false;
  /** The header could not be read as a frame: boundaries are lost for good. */
  #lost = false;

  /** Between two messages: a message of our own may be written here. */
  get atBoundary(): boolean {
    return !this.#lost && this.#headerHave === 0 && !this.#inPayload && !this.#fragmented;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get lost(): boolean {
    return this.#lost;
  }

  /**
   * Reads a chunk of the stream. Returns the offsets in it (ascending, > 0) right after a frame
   * that leaves the stream between messages. `onFrame` hears of every frame that ends in the
   * chunk; with `stopAtBoundary` the scan stops at the first boundary (the rest of the chunk is
   * left unread, for the caller to scan next).
   */
  scan(chunk: Buffer, onFrame?: FrameListener, stopAtBoundary = false): number[] {
    const boundaries: number[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.#lost) {
      if (this.#inPayload) {
        const take = Math.min(this.#payloadLeft, n - i);
        this.#payloadLeft -= take;
        i += take;
      } else {
        this.#header[this.#headerHave++] = chunk[i++] ?? 0;
        const need = this.#headerLength();
        if (need === 0 || this.#headerHave < need) continue;
        this.#startFrame();
      }
      if (this.#inPayload && this.#payloadLeft === 0) {
        this.#inPayload = false;
        onFrame?.(i, this.#frameControl, this.#frameEndsMessage);
        if (this.#frameEndsMessage) {
          boundaries.push(i);
          if (stopAtBoundary) return boundaries;
        }
      }
    }
    return boundaries;
  }

  /** Total header size once known from the bytes so far; 0 while not yet known. */
  #headerLength(): number {
    if (this.#headerHave < 2) return 0;
    const second = this.#header[1] ?? 0;
    const masked = (second & 0x80) !== 0 ? 4 : 0;
    const len7 = second & 0x7f;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + masked;
  }

  #startFrame(): void {
    const first = this.#header[0] ?? 0;
    const second = this.#header[1] ?? 0;
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    const len7 = second & 0x7f;
    let length = len7;
    if (len7 === 126) length = this.#header.readUInt16BE(2);
    else if (len7 === 127) {
      const big = this.#header.readBigUInt64BE(2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.#lost = true;
        return;
      }
      length = Number(big);
    }
    this.#headerHave = 0;
    this.#payloadLeft = length;
    this.#inPayload = true;
    this.#frameControl = opcode >= 8;
    if (opcode >= 8) {
      // A control frame may sit between fragments; it ends a message only outside of one.
      this.#frameEndsMessage = !this.#fragmented;
      if (opcode === 8) this.#closed = true;
    } else {
      this.#fragmented = !fin;
      this.#frameEndsMessage = fin;
    }
  }
}
