/**
 * Injection into one direction of a proxied WebSocket. The peers' bytes go on exactly as they
 * came; a message of Telltale's own is written only between two messages (right after a frame
 * that ended a message, never inside a frame or between fragments), held until the current
 * message's final fragment has passed. Toward the server it is masked with a fresh random key,
 * toward the client it is not (RFC 6455 §5.1, §5.3).
 *
 * permessage-deflate: the peer that receives this direction keeps an inflate context. With
 * context takeover, a compressed message of ours would have to be deflated by a compressor whose
 * LZ77 window matched the *sender's* — which Telltale does not have without re-encoding every
 * later message of that direction itself (and giving up byte-exact relaying for good). Instead,
 * with takeover, an injected message goes uncompressed (RSV1 clear): RFC 7692 §6.1 lets any
 * message be sent uncompressed, and an uncompressed message never touches the receiver's inflate
 * context, so every later compressed message of the real sender still inflates. Without context
 * takeover in that direction the receiver resets its context after each message, so ours is
 * compressed on its own (a fresh raw deflate, windowBits as negotiated, the trailing
 * 00 00 ff ff removed per §7.2.1) and marked RSV1, like the peer's.
 */
import type { Duplex } from 'node:stream';
import { constants, deflateRawSync } from 'node:zlib';
import type { Direction, NewEntry } from '../../../shared/model/entry.ts';
import type { PerMessageDeflateParams } from '../protocol/ws/permessage-deflate.ts';
import { outgoingBytes } from '../replay/outgoing.ts';
import type { OutgoingMessage } from '../replay/outgoing.ts';
import { now } from '../util/clock.ts';
import { InjectError } from './inject-error.ts';
import { forward } from './valve.ts';
import type { Valve } from './valve.ts';
import { WsBoundaryScanner } from './ws-boundary.ts';
import { encodeFrame } from './ws-frame-encoder.ts';

interface Pending {
  frame: Buffer;
  entry: Omit<NewEntry, 'time'>;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface WsInjectorOptions {
  direction: Direction;
  connectionId: string;
  /** Where this direction's bytes go (the upstream for `out`, the client for `in`). */
  to: Duplex;
  /** The reader of this direction, paused when `to` is full. */
  source: Valve;
  deflate: PerMessageDeflateParams | null;
  append: (entry: NewEntry) => void;
}

export class WsInjector {
  readonly #o: WsInjectorOptions;
  readonly #scanner = new WsBoundaryScanner();
  readonly #pending: Pending[] = [];
  #ended = false;

  constructor(options: WsInjectorOptions) {
    this.#o = options;
  }

  /** Bytes of the peer for this direction: forwarded, with held injections put in between. */
  push(chunk: Buffer): void {
    const { to, source } = this.#o;
    if (this.#pending.length === 0) {
      forward(to, chunk, source);
      this.#scanner.scan(chunk);
      return;
    }
    const wasAtBoundary = this.#scanner.atBoundary;
    const boundaries = this.#scanner.scan(chunk);
    const at = wasAtBoundary ? 0 : boundaries[0];
    if (at === undefined) {
      forward(to, chunk, source);
      return;
    }
    if (at > 0) forward(to, chunk.subarray(0, at), source);
    this.#flush();
    if (at < chunk.length) forward(to, chunk.subarray(at), source);
  }

  /** Bytes of this direction already forwarded by someone else (after the 101 head). */
  observe(chunk: Buffer): void {
    this.#scanner.scan(chunk);
  }

  inject(message: OutgoingMessage): Promise<void> {
    if (message.kind === 'event') {
      return Promise.reject(
        new InjectError('inject.wrong-kind', 'an SSE event cannot go into a WebSocket'),
      );
    }
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const { frame, entry } = this.#frame(message);
    return new Promise((resolve, reject) => {
      this.#pending.push({ frame, entry, resolve, reject });
      if (this.#scanner.atBoundary) this.#flush();
    });
  }

  /** The connection is over: what is still held will never go. */
  end(): void {
    this.#ended = true;
    for (const p of this.#pending.splice(0)) {
      p.reject(
        new InjectError('inject.closed', 'the connection ended before the message could be sent'),
      );
    }
  }

  #refusal(): InjectError | null {
    if (this.#ended || this.#o.to.destroyed || this.#o.to.writableEnded) {
      return new InjectError('inject.closed', 'the connection is closed');
    }
    if (this.#scanner.closed) {
      return new InjectError(
        'inject.closed',
        `a close frame was sent ${this.#o.direction === 'out' ? 'to the server' : 'to the client'}: no message may follow it`,
      );
    }
    if (this.#scanner.lost) {
      return new InjectError('inject.unframed', 'the stream is no longer readable as frames');
    }
    return null;
  }

  #flush(): void {
    for (const p of this.#pending.splice(0)) {
      const refused = this.#refusal();
      if (refused) {
        p.reject(refused);
        continue;
      }
      forward(this.#o.to, p.frame, this.#o.source);
      this.#o.append({ ...p.entry, time: now() });
      p.resolve();
    }
  }

  #frame(message: Exclude<OutgoingMessage, { kind: 'event' }>): {
    frame: Buffer;
    entry: Omit<NewEntry, 'time'>;
  } {
    const { direction } = this.#o;
    const data = outgoingBytes(message);
    const opcode = message.kind === 'text' ? 1 : 2;
    const compressed = this.#compress(data);
    const mask = direction === 'out';
    const wirePayload = compressed ?? data;
    const frame = encodeFrame({ opcode, payload: wirePayload, rsv1: compressed !== null, mask });
    const entry: Omit<NewEntry, 'time'> = {
      connectionId: this.#o.connectionId,
      direction,
      kind: message.kind,
      payload: message.payload,
      payloadSize: data.length,
      wireSize: frame.length,
      frame: {
        opcode,
        fin: true,
        rsv1: compressed !== null,
        rsv2: false,
        rsv3: false,
        masked: mask,
        fragments: 1,
        ...(compressed === null ? {} : { compressedSize: compressed.length }),
      },
      intervention: 'injected',
    };
    return { frame, entry };
  }

  /** The compressed payload, or null when the message must go uncompressed (see above). */
  #compress(data: Buffer): Buffer | null {
    const deflate = this.#o.deflate;
    if (!deflate) return null;
    const fromClient = this.#o.direction === 'out';
    const noTakeover = fromClient
      ? deflate.clientNoContextTakeover
      : deflate.serverNoContextTakeover;
    const windowBits = fromClient ? deflate.clientMaxWindowBits : deflate.serverMaxWindowBits;
    // zlib cannot make raw deflate with an 8-bit window (it silently uses 9).
    if (!noTakeover || windowBits < 9) return null;
    const out = deflateRawSync(data, { windowBits, finishFlush: constants.Z_SYNC_FLUSH });
    const tail = out.length >= 4 && out.readUInt32BE(out.length - 4) === 0x0000ffff;
    return tail ? out.subarray(0, out.length - 4) : out;
  }
}
