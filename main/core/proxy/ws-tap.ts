import type { HeaderList } from '../../../shared/model/connection.ts';
import type { Direction } from '../../../shared/model/entry.ts';
import { WsFrameDecoder } from '../protocol/ws/frame-decoder.ts';
import { parsePerMessageDeflate } from '../protocol/ws/permessage-deflate.ts';
import { wsEnding } from '../protocol/ws/close-outcome.ts';
import type { CloseFrameSeen } from '../protocol/ws/close-outcome.ts';
import type { DecodedWsMessage } from '../protocol/ws/types.ts';
import { now } from '../util/clock.ts';
import type { ExchangeRecord } from './exchange-record.ts';

/**
 * The two frame decoders beside a proxied WebSocket. They are fed the very Buffers that are
 * forwarded: socket reads are fresh Buffers nobody writes into afterwards, and the decoder never
 * writes into what it is fed (unmasking and inflating work on its own copies), so no copy is
 * needed for the forwarded bytes to stay untouched. Decoding runs after the forward is queued.
 */
export class WsTap {
  readonly #record: ExchangeRecord;
  readonly #out: WsFrameDecoder;
  readonly #in: WsFrameDecoder;
  readonly closes: CloseFrameSeen[] = [];
  bytesOut = 0;
  bytesIn = 0;

  constructor(record: ExchangeRecord, responseHeaders: HeaderList, maxPayload: number) {
    this.#record = record;
    const extensions = responseHeaders
      .filter(([n]) => n.toLowerCase() === 'sec-websocket-extensions')
      .map(([, v]) => v)
      .join(', ');
    const deflate = extensions ? parsePerMessageDeflate(extensions) : null;
    // Fed chunks are socket reads (or Buffers made for the purpose) that nobody writes into:
    // an inbound binary message read whole is recorded as a view of its read, not a copy.
    const common = { deflate, maxPayload, immutableChunks: true };
    this.#out = new WsFrameDecoder(this.#listener('out'), { direction: 'out', ...common });
    this.#in = new WsFrameDecoder(this.#listener('in'), { direction: 'in', ...common });
  }

  /** While set for a direction, decoded outputs are collected here instead of recorded. */
  readonly #capture: Record<Direction, DecodedWsMessage[] | null> = { out: null, in: null };

  #listener(direction: Direction): (message: DecodedWsMessage) => void {
    return (message) => {
      const capture = this.#capture[direction];
      if (capture) capture.push(message);
      else this.record(direction, message);
    };
  }

  /** Records one decoded output (as forwarded: `intervention` says how Telltale changed it). */
  record(
    direction: Direction,
    message: DecodedWsMessage,
    intervention?: 'edited' | 'dropped',
  ): void {
    if (message.kind === 'close' && message.close) {
      this.closes.push({ direction, code: message.close.code, reason: message.close.reason });
    }
    // One object per entry on this hot path (the store copies it once more), always of the same
    // shape: no spread, which would copy property by property into a dictionary-like object.
    this.#record.store.append({
      connectionId: this.#record.id,
      time: now(),
      direction,
      kind: message.kind,
      payload: message.payload,
      payloadSize: message.payloadSize,
      wireSize: message.wireSize,
      frame: message.frame,
      close: message.close,
      notes: message.notes,
      intervention,
    });
  }

  /** Decodes complete frames of one direction and returns the outputs, unrecorded. */
  decode(direction: Direction, bytes: Buffer): DecodedWsMessage[] {
    const outputs: DecodedWsMessage[] = [];
    this.#capture[direction] = outputs;
    try {
      this.feed(direction, bytes);
    } finally {
      this.#capture[direction] = null;
    }
    return outputs;
  }

  feed(direction: Direction, chunk: Buffer): void {
    if (direction === 'out') {
      this.bytesOut += chunk.length;
      this.#out.feed(chunk);
    } else {
      this.bytesIn += chunk.length;
      this.#in.feed(chunk);
    }
  }

  /** Both directions are over: report truncated frames, then the connection's ending. */
  finish(fault: string | null): void {
    this.#out.end();
    this.#in.end();
    const ending = wsEnding(this.closes, fault ?? undefined);
    this.#record.end(ending.state, ending.summary, {
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      ...ending.fields,
    });
  }
}
