/**
 * Properties every dissector keeps: the same traffic split into frames and chunks any way gives
 * the same dissection; random payloads never throw; following the live change feed in any
 * batching gives what reading the finished session gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Direction, Entry } from '../../../../shared/model/entry.ts';
import { SessionStore } from '../../session/store.ts';
import { WsFrameDecoder } from '../ws/frame-decoder.ts';
import { frame } from '../ws/test-frames.ts';
import type { DecodedWsMessage } from '../ws/types.ts';
import { ProtocolViews } from './protocol-views.ts';
import { DISSECTORS } from './registry.ts';
import { testConnection } from './test-support.ts';

type Wire = [Direction, string];

const rpcPool: Wire[] = [
  ['out', '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'],
  ['out', '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"é😀"}}'],
  ['in', '{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}'],
  ['in', '{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}'],
  ['in', '[{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":1,"result":0}]'],
  ['out', '{"jsonrpc":"2.0","id":1}'],
];
const sioPool: Wire[] = [
  ['in', '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1e6}'],
  ['out', '40'],
  ['in', '40{"sid":"s1"}'],
  ['out', '42["chat","hi ✓"]'],
  ['out', '421["chat",{"n":1}]'],
  ['in', '431["ok"]'],
  ['in', '42/admin,7["x"]'],
  ['out', '43/admin,7[]'],
  ['in', '2'],
  ['out', '3'],
  ['out', '4z'],
];
const gqlPool: Wire[] = [
  ['out', '{"type":"connection_init"}'],
  ['in', '{"type":"connection_ack"}'],
  ['out', '{"type":"subscribe","id":"1","payload":{"query":"subscription OnMessage { m }"}}'],
  ['in', '{"type":"next","id":"1","payload":{"data":{"m":"ä"}}}'],
  ['in', '{"type":"complete","id":"1"}'],
  ['out', '{"type":"ping"}'],
  ['in', '{"type":"pong"}'],
  ['in', '{"type":"bogus"}'],
];

const traffic = fc.oneof(
  fc.record({
    protocol: fc.constant('jsonrpc'),
    wire: fc.array(fc.constantFrom(...rpcPool), { maxLength: 25 }),
  }),
  fc.record({
    protocol: fc.constant(''),
    wire: fc.array(fc.constantFrom(...sioPool), { maxLength: 25 }),
  }),
  fc.record({
    protocol: fc.constant('graphql-transport-ws'),
    wire: fc.array(fc.constantFrom(...gqlPool), { maxLength: 25 }),
  }),
);

interface Cut {
  cuts: number[];
  chunk: number;
  pingBetween: boolean;
}

/** How one message is cut: text split into fragments at these byte offsets, chunked so. */
const cutting: fc.Arbitrary<Cut> = fc.record({
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  chunk: fc.integer({ min: 1, max: 64 }),
  pingBetween: fc.boolean(),
});

function fragments(
  text: string,
  cuts: number[],
  pingBetween: boolean,
  dir: Direction,
): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const end of [...at, bytes.length]) {
    pieces.push(bytes.subarray(start, end));
    start = end;
  }
  const mask = dir === 'out';
  const frames: Uint8Array[] = [];
  pieces.forEach((payload, i) => {
    frames.push(frame({ opcode: i === 0 ? 1 : 0, payload, fin: i === pieces.length - 1, mask }));
    if (pingBetween && i < pieces.length - 1) frames.push(frame({ opcode: 9, mask }));
  });
  return frames;
}

/** Records `wire` as the real frame decoder would, frames cut and chunked per `cut`. */
function record(protocol: string, wire: Wire[], cut: Cut[]): SessionStore {
  const store = new SessionStore();
  store.addConnection(testConnection('c', protocol === '' ? {} : { protocol }));
  wire.forEach(([dir, text], i) => {
    const how = cut[i % Math.max(1, cut.length)] ?? {
      cuts: [],
      chunk: 1 << 20,
      pingBetween: false,
    };
    const decoded: DecodedWsMessage[] = [];
    const decoder = new WsFrameDecoder((m) => decoded.push(m), { direction: dir });
    const stream = Buffer.concat(fragments(text, how.cuts, how.pingBetween, dir));
    for (let at = 0; at < stream.length; at += how.chunk)
      decoder.feed(stream.subarray(at, at + how.chunk));
    for (const m of decoded) {
      store.append({ connectionId: 'c', time: 1000 + i, direction: dir, ...m });
    }
  });
  return store;
}

function dissection(store: SessionStore) {
  const views = new ProtocolViews(store, { live: false });
  // Seqs differ when pings sit between fragments: compare by the message's ordinal instead.
  const ordinal = new Map<number, number>();
  let n = 0;
  for (const e of store.allEntries()) if (e.kind === 'text') ordinal.set(e.seq, n++);
  return {
    channels: views.channels(),
    messages: views.annotations().map((a) => [ordinal.get(a.seq), a.direction, a.messages]),
    pairs: views
      .pairs()
      .map((p) => [
        p.kind,
        p.key,
        ordinal.get(p.request.seq),
        ordinal.get(p.answer.seq),
        p.latencyMs,
      ]),
    unanswered: views.unanswered().map((u) => [u.kind, u.key, ordinal.get(u.request.seq)]),
  };
}

describe('dissection properties', () => {
  it('any split of the same traffic into frames and chunks gives the same dissection', () => {
    fc.assert(
      fc.property(traffic, fc.array(cutting, { maxLength: 6 }), ({ protocol, wire }, cut) => {
        const whole = dissection(record(protocol, wire, []));
        // A labelled connection annotates every message (else the comparison proves nothing).
        if (protocol !== '') expect(whole.messages).toHaveLength(wire.length);
        expect(dissection(record(protocol, wire, cut))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('random payloads never throw, whatever the dissector', () => {
    const payload = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.json().map((j) => j),
      fc.json().map((j) => `4${String(Math.floor(Math.random() * 8))}${j}`),
      fc.constantFrom(
        '0{"sid":',
        '451-["a",{"_placeholder":true,"num":0}]',
        '43',
        '5-',
        '42/x,',
        '4',
        '4\x1eb!!\x1e2',
        '40\x1e451-["a",{"_placeholder":true,"num":0}]\x1ebAA==',
        'ok',
        '/messages?sessionId=x',
      ),
      fc.uint8Array({ maxLength: 40 }),
    );
    // The same dissectors read plain HTTP bodies (polling, JSON-RPC over HTTP) and SSE streams.
    const carriers = fc.constantFrom(
      testConnection('c'),
      testConnection('c', { kind: 'http', method: 'POST', url: 'http://h/x?EIO=4&sid=s' }),
      testConnection('c', {
        kind: 'http',
        response: { status: 202, statusText: 'Accepted', headers: [] },
      }),
      testConnection('c', { kind: 'sse' }),
    );
    fc.assert(
      fc.property(
        carriers,
        fc.constantFrom(...DISSECTORS),
        fc.array(
          fc.tuple(
            fc.constantFrom<Direction>('out', 'in'),
            payload,
            fc.constantFrom('text', 'binary', 'event', 'ping'),
          ),
          { maxLength: 20 },
        ),
        (connection, dissector, messages) => {
          const instance = dissector.create(connection);
          messages.forEach(([direction, data, kind], i) => {
            const entry = {
              seq: i + 1,
              connectionId: 'c',
              time: i,
              direction,
              kind,
              payload:
                kind === 'binary' && typeof data === 'string'
                  ? new TextEncoder().encode(data)
                  : data,
              payloadSize: 0,
              wireSize: 0,
              ...(kind === 'event'
                ? { sse: { event: i === 0 ? 'endpoint' : 'message', lastEventId: '' } }
                : {}),
            } as Entry;
            expect(() => dissector.sniff(entry)).not.toThrow();
            for (const { message } of instance.feed(entry)) {
              expect(message.protocol).toBe(dissector.name);
              expect(typeof message.summary).toBe('string');
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('following the change feed in any batching gives what reading the finished session gives', () => {
    fc.assert(
      fc.property(
        traffic,
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1 }),
        ({ protocol, wire }, sizes) => {
          const finished = record(protocol, wire, []);
          const live = new SessionStore({ batchIntervalMs: 1_000_000 });
          const views = new ProtocolViews(live);
          live.addConnection(finished.getConnection('c') ?? testConnection('c'));
          let i = 0;
          for (const entry of finished.allEntries()) {
            live.appendWithSeq(entry);
            if (++i % (sizes[i % sizes.length] ?? 1) === 0) live.flush();
          }
          live.flush();
          const expected = new ProtocolViews(finished, { live: false });
          expect(views.annotations()).toEqual(expected.annotations());
          expect(views.pairs()).toEqual(expected.pairs());
          expect(views.channels()).toEqual(expected.channels());
          views.dispose();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the subprotocol is read when the first data entry comes, not at the first lifecycle note', () => {
    const store = new SessionStore({ batchIntervalMs: 1_000_000 });
    const views = new ProtocolViews(store);
    store.addConnection(testConnection('c', { state: 'connecting' }));
    store.append({
      connectionId: 'c',
      time: 1,
      direction: 'out',
      kind: 'lifecycle',
      lifecycle: 'connecting',
      payload: '',
      payloadSize: 0,
      wireSize: 0,
    });
    store.flush();
    store.updateConnection('c', { state: 'open', protocol: 'graphql-transport-ws' });
    store.append({
      connectionId: 'c',
      time: 2,
      direction: 'out',
      kind: 'text',
      payload: '{"type":"connection_init"}',
      payloadSize: 26,
      wireSize: 32,
    });
    store.flush();
    expect(views.channels()[0]).toMatchObject({
      protocol: 'graphql-transport-ws',
      chosenBy: 'subprotocol',
    });
    views.dispose();
  });
});
