/**
 * One direction of a proxied WebSocket, from the peer that sends it to the peer that receives
 * it. Two ways to relay:
 *
 * - pass-through (the default): bytes go on exactly as they came, chunk by chunk, and the tap
 *   reads them beside the pipe. Only frame headers are looked at (WsBoundaryScanner), to know
 *   where a message of Telltale's own may go: between two messages, never inside a frame or
 *   between the fragments of one (RFC 6455 §5.4); an injection waits for the current message's
 *   final fragment.
 * - message by message (while breakpoint rules are on, or after a compressed message was edited
 *   or dropped, see below): each message is held until its last frame, decoded, given to the
 *   rules, and then forwarded as it came (byte-exact), rewritten, dropped, or paused until the
 *   user decides. Control frames that came between its fragments go on unchanged. Everything
 *   behind a paused message waits (and the sender is paused: memory stays bounded).
 *
 * Toward the server Telltale's frames are masked with a fresh random key, toward the client they
 * are not (RFC 6455 §5.1, §5.3).
 *
 * permessage-deflate. The receiver of this direction keeps an inflate context that, with context
 * takeover, must follow the sender's deflate context byte for byte. Telltale has no deflater
 * whose window matches the sender's, so a compressed message of its own would need it to take
 * over the compression of this direction for good (re-encode every later message). It does
 * not: injected and edited messages go uncompressed (RSV1 clear), which RFC 7692 §6.1 allows for
 * any message, and which leaves the receiver's inflate context untouched — every later
 * compressed message of the real sender still inflates. Without context takeover the receiver
 * resets its context after each message, so an injected message is compressed on its own (fresh
 * raw deflate, the negotiated window, trailing 00 00 ff ff removed per §7.2.1), like the
 * peer's. The one case that needs more: dropping or editing a *compressed* message under context
 * takeover leaves the receiver's window without bytes the sender's window has, so later messages
 * could refer to data the receiver never saw. From then on this direction is relayed message by
 * message and every data message goes on uncompressed, rebuilt from its decoded payload (the
 * receiver's stale context is then never used again).
 */
import type { Duplex } from 'node:stream';
import { constants, deflateRawSync } from 'node:zlib';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Direction, Entry, NewEntry, Payload } from '../../../shared/model/entry.ts';
import type { PerMessageDeflateParams } from '../protocol/ws/permessage-deflate.ts';
import type { DecodedWsMessage } from '../protocol/ws/types.ts';
import type { BreakpointController, Verdict } from '../replay/breakpoints.ts';
import { outgoingBytes } from '../replay/outgoing.ts';
import type { OutgoingMessage } from '../replay/outgoing.ts';
import { now } from '../util/clock.ts';
import { InjectError } from './inject-error.ts';
import { forward } from './valve.ts';
import type { Valve } from './valve.ts';
import { WsBoundaryScanner } from './ws-boundary.ts';
import { encodeFrame } from './ws-frame-encoder.ts';
import type { WsTap } from './ws-tap.ts';

interface PendingInjection {
  frame: Buffer;
  entry: Omit<NewEntry, 'time'>;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface HeldFrame {
  bytes: Buffer;
  control: boolean;
}

export interface WsRelayOptions {
  direction: Direction;
  connectionId: string;
  /** Where this direction's bytes go (the upstream for `out`, the client for `in`). */
  to: Duplex;
  /** The reader of this direction, paused when `to` is full or a message is paused. */
  source: Valve;
  deflate: PerMessageDeflateParams | null;
  tap: WsTap;
  append: (entry: NewEntry) => void;
  /** The rules in force (looked up at each message: they can change any time). */
  breakpoints?: () => BreakpointController | null;
  connection?: () => Connection | undefined;
}

export class WsDirectionRelay {
  readonly #o: WsRelayOptions;
  readonly #scanner = new WsBoundaryScanner();
  readonly #injections: PendingInjection[] = [];
  #ended = false;
  // ── message-by-message state ──
  #byMessage = false;
  /** Set once a compressed message was dropped or edited under context takeover. */
  #reencode = false;
  /** Bytes of the frame being read. */
  #partial: Buffer[] = [];
  /** Complete frames of the message being read. */
  #frames: HeldFrame[] = [];
  /** Complete messages (with their control frames) waiting their turn. */
  readonly #ready: HeldFrame[][] = [];
  #paused = false;

  constructor(options: WsRelayOptions) {
    this.#o = options;
  }

  /** Bytes of the sending peer. */
  push(chunk: Buffer): void {
    let rest = chunk;
    if (!this.#byMessage) {
      if (this.#wantsMessages() && this.#scanner.atBoundary) this.#byMessage = true;
      else {
        rest = this.#passThrough(chunk);
        if (rest.length === 0) return;
        this.#byMessage = true;
      }
    }
    this.#collect(rest);
    this.#drain();
  }

  inject(message: OutgoingMessage): Promise<void> {
    if (message.kind === 'event') {
      return Promise.reject(
        new InjectError('inject.wrong-kind', 'an SSE event cannot go into a WebSocket'),
      );
    }
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const data = outgoingBytes(message);
    const compressed = this.#compressAlone(data);
    const frame = this.#frame(message.kind, data, compressed);
    const entry: Omit<NewEntry, 'time'> = {
      ...this.#entryFields(message.kind, message.payload, data.length, frame.length, compressed),
      intervention: 'injected',
    };
    return new Promise((resolve, reject) => {
      this.#injections.push({ frame, entry, resolve, reject });
      if (this.#betweenMessages()) this.#flushInjections();
    });
  }

  /** The connection is over: held injections will never go; a paused message is let go. */
  end(): void {
    this.#ended = true;
    for (const p of this.#injections.splice(0)) {
      p.reject(
        new InjectError('inject.closed', 'the connection ended before the message could be sent'),
      );
    }
  }

  // ── pass-through ──────────────────────────────────────────────────────────

  /**
   * Forwards as it came; returns the part of the chunk that must go message by message (from
   * the first boundary on, when rules were switched on meanwhile), empty otherwise.
   */
  #passThrough(chunk: Buffer): Buffer {
    const { to, source, tap, direction } = this.#o;
    const switching = this.#wantsMessages();
    if (this.#injections.length === 0 && !switching) {
      forward(to, chunk, source);
      tap.feed(direction, chunk);
      this.#scanner.scan(chunk);
      return chunk.subarray(chunk.length);
    }
    const at = this.#scanner.scan(chunk, undefined, true)[0];
    if (at === undefined) {
      forward(to, chunk, source);
      tap.feed(direction, chunk);
      return chunk.subarray(chunk.length);
    }
    const head = chunk.subarray(0, at);
    forward(to, head, source);
    tap.feed(direction, head);
    this.#flushInjections();
    const rest = chunk.subarray(at);
    if (switching) return rest;
    return rest.length === 0 ? rest : this.#passThrough(rest);
  }

  // ── message by message ────────────────────────────────────────────────────

  #collect(chunk: Buffer): void {
    let start = 0;
    this.#scanner.scan(chunk, (end, control, endsMessage) => {
      this.#partial.push(chunk.subarray(start, end));
      start = end;
      const bytes =
        this.#partial.length === 1
          ? (this.#partial[0] ?? Buffer.alloc(0))
          : Buffer.concat(this.#partial);
      this.#partial = [];
      this.#frames.push({ bytes, control });
      if (endsMessage) this.#ready.push(this.#frames.splice(0));
    });
    if (start < chunk.length) this.#partial.push(chunk.subarray(start));
    if (this.#scanner.lost) {
      // Not frames any more: nothing can be decided on; the rest goes on as it comes.
      const held = [...this.#ready.flat(), ...this.#frames].map((f) => f.bytes);
      this.#ready.length = 0;
      this.#frames = [];
      const rest = Buffer.concat([...held, ...this.#partial]);
      this.#partial = [];
      forward(this.#o.to, rest, this.#o.source);
      this.#o.tap.feed(this.#o.direction, rest);
    }
  }

  #drain(): void {
    while (!this.#paused && !this.#ended) {
      const unit = this.#ready.shift();
      if (unit === undefined) break;
      this.#handle(unit);
    }
    if (!this.#paused) {
      if (this.#betweenMessages()) this.#flushInjections();
      // Rules off and nothing rewritten for good: back to plain relaying at this boundary.
      if (!this.#reencode && !this.#wantsMessages() && this.#nothingHeld()) this.#byMessage = false;
    }
  }

  #handle(unit: HeldFrame[]): void {
    const { tap, direction } = this.#o;
    const bytes =
      unit.length === 1
        ? (unit[0]?.bytes ?? Buffer.alloc(0))
        : Buffer.concat(unit.map((f) => f.bytes));
    const outputs = tap.decode(direction, bytes);
    const dataIndex = outputs.findLastIndex((m) => m.kind === 'text' || m.kind === 'binary');
    const data = outputs[dataIndex];
    if (data === undefined) {
      // Control frames, or a message the decoder could not read: on as they came.
      this.#send(bytes);
      for (const output of outputs) tap.record(direction, output);
      return;
    }
    const controls = unit.filter((f) => f.control).map((f) => f.bytes);
    const verdict = this.#verdict(data);
    if (verdict instanceof Promise) {
      this.#paused = true;
      this.#o.source.pause('breakpoint');
      void verdict.then((v) => {
        this.#paused = false;
        this.#apply(v, outputs, dataIndex, bytes, controls);
        this.#o.source.resume('breakpoint');
        this.#drain();
      });
      return;
    }
    this.#apply(verdict, outputs, dataIndex, bytes, controls);
  }

  #verdict(data: DecodedWsMessage): Verdict | Promise<Verdict> {
    const controller = this.#o.breakpoints?.() ?? null;
    if (controller === null || !controller.active) return { action: 'forward' };
    const entry: Entry = {
      ...data,
      seq: 0,
      connectionId: this.#o.connectionId,
      time: now(),
      direction: this.#o.direction,
    };
    return controller.decide(entry, this.#o.connection?.());
  }

  #apply(
    verdict: Verdict,
    outputs: DecodedWsMessage[],
    dataIndex: number,
    bytes: Buffer,
    controls: Buffer[],
  ): void {
    const { tap, direction } = this.#o;
    const data = outputs[dataIndex];
    if (data === undefined) return;
    const compressedMessage = data.frame?.rsv1 === true;
    if (verdict.action !== 'forward' && compressedMessage && this.#takeover())
      this.#reencode = true;
    for (const [i, output] of outputs.entries()) {
      if (i !== dataIndex) tap.record(direction, output);
    }
    if (verdict.action === 'forward' && !this.#reencode) {
      this.#send(bytes);
      tap.record(direction, data);
      return;
    }
    for (const control of controls) this.#send(control);
    if (verdict.action === 'drop') {
      tap.record(direction, data, 'dropped');
      return;
    }
    const kind = data.kind === 'text' ? 'text' : 'binary';
    const payload: Payload = verdict.action === 'edit' ? verdict.payload : data.payload;
    const raw =
      typeof payload === 'string'
        ? Buffer.from(payload, 'utf8')
        : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const frame = this.#frame(kind, raw, null);
    this.#send(frame);
    if (verdict.action === 'forward') {
      // Re-encoded, not changed: the entry is the peer's message as it was.
      tap.record(direction, data);
      return;
    }
    const edited = this.#entryFields(
      kind,
      kind === 'text' ? raw.toString('utf8') : raw,
      raw.length,
      frame.length,
      null,
    );
    this.#o.append({ ...edited, time: now(), intervention: 'edited' });
  }

  // ── shared ────────────────────────────────────────────────────────────────

  #wantsMessages(): boolean {
    return this.#reencode || (this.#o.breakpoints?.()?.active ?? false);
  }

  #nothingHeld(): boolean {
    return this.#partial.length === 0 && this.#frames.length === 0 && this.#ready.length === 0;
  }

  /** Where an injected message may be written now. */
  #betweenMessages(): boolean {
    if (this.#byMessage) return !this.#paused && this.#nothingHeld();
    return this.#scanner.atBoundary;
  }

  #send(bytes: Buffer): void {
    forward(this.#o.to, bytes, this.#o.source);
  }

  #flushInjections(): void {
    for (const p of this.#injections.splice(0)) {
      const refused = this.#refusal();
      if (refused) {
        p.reject(refused);
        continue;
      }
      this.#send(p.frame);
      this.#o.append({ ...p.entry, time: now() });
      p.resolve();
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

  #frame(kind: 'text' | 'binary', data: Buffer, compressed: Buffer | null): Buffer {
    return encodeFrame({
      opcode: kind === 'text' ? 1 : 2,
      payload: compressed ?? data,
      rsv1: compressed !== null,
      mask: this.#o.direction === 'out',
    });
  }

  #entryFields(
    kind: 'text' | 'binary',
    payload: Payload,
    size: number,
    wireSize: number,
    compressed: Buffer | null,
  ): Omit<NewEntry, 'time'> {
    return {
      connectionId: this.#o.connectionId,
      direction: this.#o.direction,
      kind,
      payload,
      payloadSize: size,
      wireSize,
      frame: {
        opcode: kind === 'text' ? 1 : 2,
        fin: true,
        rsv1: compressed !== null,
        rsv2: false,
        rsv3: false,
        masked: this.#o.direction === 'out',
        fragments: 1,
        ...(compressed === null ? {} : { compressedSize: compressed.length }),
      },
    };
  }

  /** Context takeover is on for the sender of this direction. */
  #takeover(): boolean {
    const deflate = this.#o.deflate;
    if (!deflate) return false;
    return this.#o.direction === 'out'
      ? !deflate.clientNoContextTakeover
      : !deflate.serverNoContextTakeover;
  }

  /** The payload compressed on its own, or null when it must go uncompressed (see above). */
  #compressAlone(data: Buffer): Buffer | null {
    const deflate = this.#o.deflate;
    if (!deflate || this.#takeover()) return null;
    const windowBits =
      this.#o.direction === 'out' ? deflate.clientMaxWindowBits : deflate.serverMaxWindowBits;
    // zlib cannot make raw deflate with an 8-bit window (it silently uses 9).
    if (windowBits < 9) return null;
    const out = deflateRawSync(data, { windowBits, finishFlush: constants.Z_SYNC_FLUSH });
    const tail = out.length >= 4 && out.readUInt32BE(out.length - 4) === 0x0000ffff;
    return tail ? out.subarray(0, out.length - 4) : out;
  }
}
