/**
 * Sessions for the export/import tests: every field of the model, every entry kind, in every
 * place the HAR mapping treats differently (shared arrays vs inline, text vs bytes).
 */
import { expect } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { FrameDetail, NewEntry } from '../../../shared/model/entry.ts';
import { SessionStore } from './store.ts';

export const T0 = 1_700_000_000_000.125;

const frame: FrameDetail = {
  opcode: 1,
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  masked: true,
  fragments: 1,
};

export function richConnections(): Connection[] {
  return [
    {
      id: 'ws-1',
      kind: 'ws',
      source: 'client',
      url: 'ws://127.0.0.1:9/chat?token=abc&room=a%20b#frag',
      method: 'GET',
      requestHeaders: [
        ['Host', '127.0.0.1:9'],
        ['Authorization', 'Bearer secret'],
        ['Cookie', 'sid=1; theme=dark'],
        ['Sec-WebSocket-Protocol', 'a'],
        ['Sec-WebSocket-Protocol', 'b'],
        ['X-Api-Key', 'k-123'],
      ],
      response: {
        status: 101,
        statusText: 'Switching Protocols',
        headers: [
          ['Upgrade', 'websocket'],
          ['Set-Cookie', 'a=1; Path=/; HttpOnly'],
          ['Set-Cookie', 'b=2; Domain=example.test; Secure'],
        ],
      },
      protocol: 'a',
      extensions: 'permessage-deflate; client_max_window_bits=15',
      state: 'closed',
      openedAt: T0,
      closedAt: T0 + 1234.5678,
      closeCode: 1000,
      closeReason: 'bye ✓',
      closeInitiator: 'in',
      bytesOut: 1234,
      bytesIn: 5678,
      pingRttMs: [0.25, 1.5],
      replayOf: 'ws-0',
    },
    {
      id: 'ws-2',
      kind: 'ws',
      source: 'proxy',
      url: 'wss://example.test/feed',
      method: 'GET',
      requestHeaders: [],
      response: { status: 101, statusText: '', headers: [] },
      state: 'aborted',
      openedAt: T0 + 10,
      closedAt: T0 + 20,
      error: 'socket hang up',
      bytesOut: 0,
      bytesIn: 12,
    },
    {
      id: 'sse-1',
      kind: 'sse',
      source: 'proxy',
      url: 'http://127.0.0.1:9/events',
      method: 'POST',
      requestHeaders: [['Content-Type', 'application/octet-stream']],
      requestBodyBase64: 'AP8=',
      response: {
        status: 500,
        statusText: 'Internal Server Error',
        headers: [['Content-Type', 'text/plain']],
        bodyBase64: 'AP8=',
        bodyTruncated: true,
      },
      state: 'failed',
      openedAt: T0 + 0.001,
      error: 'HTTP 500',
      bytesOut: 0,
      bytesIn: 0,
    },
    {
      id: 'sse-2',
      kind: 'sse',
      source: 'client',
      url: 'http://127.0.0.1:9/events',
      method: 'POST',
      requestHeaders: [
        ['Last-Event-ID', 'é-42'],
        ['Content-Type', 'application/json'],
      ],
      requestBody: '{"prompt":"hi"}',
      response: {
        status: 200,
        statusText: 'OK',
        headers: [['Content-Type', 'text/event-stream']],
        body: '',
      },
      state: 'aborted',
      openedAt: T0 + 5,
      bytesOut: 0,
      bytesIn: 99,
      resumes: 'sse-1',
    },
    {
      id: 'http-1',
      kind: 'http',
      source: 'proxy',
      url: 'http://127.0.0.1:9/api?q=1',
      method: 'GET',
      requestHeaders: [['Accept', 'application/json']],
      response: {
        status: 302,
        statusText: 'Found',
        headers: [
          ['Location', '/elsewhere'],
          ['Content-Type', 'application/json'],
        ],
        body: '{"ok":true}',
      },
      state: 'closed',
      openedAt: T0 + 30,
      closedAt: T0 + 31,
      bytesOut: 10,
      bytesIn: 20,
    },
    {
      id: 'ws-3',
      kind: 'ws',
      source: 'client',
      url: 'ws://127.0.0.1:9/refused',
      method: 'GET',
      requestHeaders: [],
      state: 'failed',
      openedAt: T0 + 40,
      error: 'connect ECONNREFUSED 127.0.0.1:9',
      bytesOut: 0,
      bytesIn: 0,
    },
  ];
}

export function richEntries(): NewEntry[] {
  return [
    {
      connectionId: 'ws-1',
      time: T0 + 0.333,
      direction: 'out',
      kind: 'text',
      payload: 'héllo\n"world"\u2028\ud800',
      payloadSize: 14,
      wireSize: 20,
      frame,
    },
    {
      connectionId: 'ws-1',
      time: T0 + 1.0000001,
      direction: 'in',
      kind: 'binary',
      payload: new Uint8Array([0, 1, 2, 0xff, 0x80, 0x0a]),
      payloadSize: 6,
      wireSize: 9,
      frame: { ...frame, opcode: 2, masked: false, rsv1: true, compressedSize: 5, fragments: 3 },
      notes: [{ code: 'ws.rsv2', message: 'reserved bit 2 set' }],
      intervention: 'injected',
    },
    {
      connectionId: 'ws-1',
      time: T0 + 2,
      direction: 'in',
      kind: 'ping',
      payload: new Uint8Array(0),
      payloadSize: 0,
      wireSize: 2,
      frame: { ...frame, opcode: 9, masked: false },
    },
    {
      connectionId: 'ws-1',
      time: T0 + 2.5,
      direction: 'out',
      kind: 'pong',
      payload: new Uint8Array([7]),
      payloadSize: 1,
      wireSize: 7,
      frame: { ...frame, opcode: 10 },
    },
    {
      connectionId: 'ws-1',
      time: T0 + 2.75,
      direction: 'in',
      kind: 'error',
      payload: 'invalid UTF-8 in a text message',
      payloadSize: 31,
      wireSize: 0,
      notes: [{ code: 'ws.invalid-utf8', message: 'invalid UTF-8 at byte 3' }],
    },
    {
      connectionId: 'ws-1',
      time: T0 + 3,
      direction: 'in',
      kind: 'close',
      payload: new Uint8Array([0x03, 0xe8, 0x62]),
      payloadSize: 3,
      wireSize: 5,
      frame: { ...frame, opcode: 8, masked: false },
      close: { code: 1000, reason: 'b', codeValid: true },
    },
    {
      connectionId: 'ws-2',
      time: T0 + 11,
      direction: 'in',
      kind: 'text',
      payload: 'hi',
      payloadSize: 2,
      wireSize: 4,
    },
    {
      connectionId: 'ws-2',
      time: T0 + 12,
      direction: 'in',
      kind: 'lifecycle',
      payload: 'aborted: socket hang up',
      payloadSize: 23,
      wireSize: 0,
      lifecycle: 'aborted',
    },
    {
      connectionId: 'sse-2',
      time: T0 + 6.5,
      direction: 'in',
      kind: 'event',
      payload: 'data with\nnewline',
      payloadSize: 17,
      wireSize: 40,
      sse: { event: 'update', lastEventId: 'é-43', id: 'é-43', retry: 2500 },
    },
    {
      connectionId: 'sse-2',
      time: T0 + 7,
      direction: 'in',
      kind: 'comment',
      payload: 'keep-alive',
      payloadSize: 10,
      wireSize: 13,
    },
    {
      connectionId: 'sse-2',
      time: T0 + 7.5,
      direction: 'in',
      kind: 'event',
      payload: '',
      payloadSize: 0,
      wireSize: 7,
      sse: { event: 'message', lastEventId: 'é-43', retry: 3000 },
    },
    {
      connectionId: 'sse-2',
      time: T0 + 8,
      direction: 'in',
      kind: 'lifecycle',
      payload: 'reconnecting in 3000 ms',
      payloadSize: 23,
      wireSize: 0,
      lifecycle: 'reconnecting',
    },
    {
      connectionId: 'sse-1',
      time: T0 + 9,
      direction: 'in',
      kind: 'error',
      payload: 'partial',
      payloadSize: 7,
      wireSize: 12,
      sse: { event: 'message', lastEventId: '' },
      notes: [{ code: 'sse.unterminated-event', message: 'stream ended inside an event' }],
    },
  ];
}

/** Every connection and entry kind; seqs with a gap at the end, as after a filtered import. */
export function richStore(): SessionStore {
  const store = new SessionStore();
  for (const connection of richConnections()) store.addConnection(connection);
  const entries = richEntries();
  for (const e of entries) store.append(e);
  const first = entries[0];
  if (first !== undefined) store.appendWithSeq({ ...first, seq: 100, time: T0 + 50 });
  return store;
}

export function expectSameSession(actual: SessionStore, expected: SessionStore): void {
  expect(actual.connections()).toStrictEqual(expected.connections());
  expect([...actual.allEntries()]).toStrictEqual([...expected.allEntries()]);
  for (const c of expected.connections()) expect(actual.countOf(c.id)).toBe(expected.countOf(c.id));
}
