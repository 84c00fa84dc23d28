/** Helpers shared by the SSE decoder tests (not a test file itself). */
import { SseDecoder } from './sse-decoder.ts';
import type { SseDecoderOptions } from './sse-decoder.ts';
import type { SseOutput } from './sse-output.ts';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Concatenates byte arrays and strings (strings as UTF-8). */
export function bytesOf(...parts: (string | Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) =>
    typeof p === 'string' ? utf8(p) : p instanceof Uint8Array ? p : Uint8Array.from(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

type Options = Omit<SseDecoderOptions, 'onOutput'>;

/** Decodes `bytes` cut at `cuts` (sorted offsets), then ends the stream. */
export function decode(
  bytes: Uint8Array,
  cuts: readonly number[] = [],
  options: Options = {},
): SseOutput[] {
  const outputs: SseOutput[] = [];
  const decoder = new SseDecoder({ ...options, onOutput: (o) => outputs.push(o) });
  let from = 0;
  for (const cut of cuts) {
    decoder.feed(bytes.subarray(from, cut));
    from = cut;
  }
  decoder.feed(bytes.subarray(from));
  decoder.end();
  return outputs;
}

/** Decodes one byte per feed. */
export function decodeBytewise(bytes: Uint8Array, options: Options = {}): SseOutput[] {
  return decode(
    bytes,
    Array.from({ length: Math.max(bytes.length - 1, 0) }, (_, i) => i + 1),
    options,
  );
}

/** The dispatched events only, in a compact shape for tables. */
export interface EventView {
  data: string;
  type: string;
  lastEventId: string;
  id?: string;
  retry?: number;
}

export function eventsOf(outputs: readonly SseOutput[]): EventView[] {
  const events: EventView[] = [];
  for (const o of outputs) {
    if (o.kind !== 'event') continue;
    const view: EventView = { data: o.payload, type: o.sse.event, lastEventId: o.sse.lastEventId };
    if (o.sse.id !== undefined) view.id = o.sse.id;
    if (o.sse.retry !== undefined) view.retry = o.sse.retry;
    events.push(view);
  }
  return events;
}
