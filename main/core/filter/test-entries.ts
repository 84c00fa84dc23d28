/** Hand-made entries and connections for the filter tests. */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';

const encoder = new TextEncoder();

export function connection(id: string, extra: Partial<Connection> = {}): Connection {
  return {
    id,
    kind: 'ws',
    source: 'client',
    url: `ws://127.0.0.1:9/${id}`,
    method: 'GET',
    requestHeaders: [],
    state: 'open',
    openedAt: 1_700_000_000_000,
    bytesOut: 0,
    bytesIn: 0,
    ...extra,
  };
}

let nextSeq = 1;

export function entry(extra: Partial<Entry> = {}): Entry {
  const payload = extra.payload ?? '';
  const size = typeof payload === 'string' ? encoder.encode(payload).length : payload.length;
  return {
    seq: nextSeq++,
    connectionId: 'c1',
    time: 1_700_000_000_001,
    direction: 'in',
    kind: 'text',
    payload,
    payloadSize: size,
    wireSize: size + 2,
    ...extra,
  };
}

export const frame = (extra: Partial<NonNullable<Entry['frame']>> = {}): Entry['frame'] => ({
  opcode: 1,
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  masked: false,
  fragments: 1,
  ...extra,
});

export const bytes = (text: string): Uint8Array => encoder.encode(text);
