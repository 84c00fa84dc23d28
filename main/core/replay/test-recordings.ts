/** Hand-made recordings for the replay and mock tests (small timings, so tests stay fast). */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Direction, NewEntry } from '../../../shared/model/entry.ts';
import { SessionStore } from '../session/store.ts';

export const T0 = 1_700_000_000_000;

function base(id: string, kind: 'ws' | 'sse', url: string): Connection {
  return {
    id,
    kind,
    source: 'import',
    url,
    method: 'GET',
    requestHeaders: [['Host', new URL(url).host]],
    state: 'closed',
    openedAt: T0,
    bytesOut: 0,
    bytesIn: 0,
  };
}

function message(
  connectionId: string,
  at: number,
  direction: Direction,
  payload: string | Uint8Array,
): NewEntry {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  return {
    connectionId,
    time: T0 + at,
    direction,
    kind: typeof payload === 'string' ? 'text' : 'binary',
    payload,
    payloadSize: size,
    wireSize: size + 2,
  };
}

/**
 * A WebSocket conversation: the server greets, then answers each of three client messages
 * (the last answer is binary), then closes with 4001.
 */
export function wsRecording(
  options: { id?: string; url?: string; extensions?: string; protocol?: string } = {},
): SessionStore {
  const id = options.id ?? 'ws-1';
  const store = new SessionStore();
  store.addConnection({
    ...base(id, 'ws', options.url ?? 'ws://example.test/chat?room=1'),
    ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
    ...(options.protocol === undefined
      ? {}
      : {
          protocol: options.protocol,
          requestHeaders: [
            ['Host', 'example.test'],
            ['Sec-WebSocket-Protocol', options.protocol],
          ],
        }),
    closeCode: 4001,
    closeReason: 'bye',
    closeInitiator: 'in',
  });
  store.append({
    connectionId: id,
    time: T0,
    direction: 'in',
    kind: 'lifecycle',
    payload: '101 Switching Protocols',
    payloadSize: 0,
    wireSize: 0,
    lifecycle: 'open',
  });
  store.append(message(id, 5, 'in', 'hello'));
  store.append(message(id, 20, 'out', 'one'));
  store.append(message(id, 22, 'in', 'ONE'));
  store.append(message(id, 40, 'out', 'two'));
  store.append(message(id, 42, 'in', 'TWO'));
  store.append(message(id, 60, 'out', Uint8Array.of(3, 3, 3)));
  store.append(message(id, 62, 'in', Uint8Array.of(0xff, 0, 1)));
  store.append({
    connectionId: id,
    time: T0 + 80,
    direction: 'in',
    kind: 'close',
    payload: Uint8Array.of(0x0f, 0xa1, 0x62, 0x79, 0x65),
    payloadSize: 5,
    wireSize: 7,
    close: { code: 4001, reason: 'bye', codeValid: true },
  });
  return store;
}

/** An SSE stream: four events (ids 1–3, a typed one, a multi-line one) and a comment. */
export function sseRecording(options: { id?: string } = {}): SessionStore {
  const id = options.id ?? 'sse-1';
  const store = new SessionStore();
  store.addConnection({ ...base(id, 'sse', 'http://example.test/stream'), state: 'closed' });
  const event = (
    at: number,
    payload: string,
    sse: { event: string; lastEventId: string; id?: string; retry?: number },
  ): void => {
    store.append({
      connectionId: id,
      time: T0 + at,
      direction: 'in',
      kind: 'event',
      payload,
      payloadSize: Buffer.byteLength(payload),
      wireSize: Buffer.byteLength(payload) + 8,
      sse,
    });
  };
  event(5, 'first', { event: 'message', lastEventId: '1', id: '1', retry: 50 });
  store.append({
    connectionId: id,
    time: T0 + 10,
    direction: 'in',
    kind: 'comment',
    payload: 'keep-alive',
    payloadSize: 10,
    wireSize: 13,
  });
  event(15, 'line a\nline b', { event: 'update', lastEventId: '2', id: '2' });
  event(25, 'no id here', { event: 'message', lastEventId: '2' });
  event(35, '{"n":3}', { event: 'message', lastEventId: '3', id: '3' });
  return store;
}
