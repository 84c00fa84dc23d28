/**
 * Protocol dissection throughput, messages per second, per dissector on typical traffic:
 *  - `dissector`: the dissector's own feed() over entries already in memory;
 *  - `views`: the whole ProtocolViews path (selection, annotations, pairing) over a store;
 *  - `ws decode`: Telltale's WebSocket frame decoder on the same messages as wire frames, the
 *    raw decoding every message pays anyway, for scale (frames per second; for the plain HTTP
 *    rows, where one body carries several messages and no frame exists, only a yardstick).
 * Rates count protocol messages: a polling body of four packets is four.
 * Target: ≥ 100k messages/s each (issue 9).
 *
 * Run alone: `node bench/dissect.bench.ts`.
 */
import type { Connection } from '../shared/model/connection.ts';
import type { Direction, Entry } from '../shared/model/entry.ts';
import { ProtocolViews } from '../main/core/protocol/dissect/protocol-views.ts';
import { DISSECTORS } from '../main/core/protocol/dissect/registry.ts';
import { WsFrameDecoder } from '../main/core/protocol/ws/frame-decoder.ts';
import { concat, frame } from '../main/core/protocol/ws/test-frames.ts';
import { SessionStore } from '../main/core/session/store.ts';
import { encode as msgpack } from '@msgpack/msgpack';

const MESSAGES = 100_000;
const TARGET_MS = 1000;

type Wire = [Direction, string];

function rpc(i: number): Wire[] {
  return [
    [
      'out',
      `{"jsonrpc":"2.0","id":${i},"method":"tools/call","params":{"name":"search","arguments":{"q":"weather in Paris ${i}"}}}`,
    ],
    [
      'in',
      `{"jsonrpc":"2.0","id":${i},"result":{"content":[{"type":"text","text":"Sunny, 21°C (${i})"}],"isError":false}}`,
    ],
  ];
}

function sio(i: number): Wire[] {
  return [
    [
      'out',
      `42${i}["chat message",{"room":"general","text":"hello number ${i}","ts":${1700000000000 + i}}]`,
    ],
    ['in', `43${i}[{"ok":true,"id":"m${i}"}]`],
  ];
}

function gql(i: number): Wire[] {
  return [
    [
      'out',
      `{"id":"${i}","type":"subscribe","payload":{"query":"subscription OnMessage($room: ID!) { message(room: $room) { id text author { name } } }","variables":{"room":"r${i}"}}}`,
    ],
    [
      'in',
      `{"id":"${i}","type":"next","payload":{"data":{"message":{"id":"${i}","text":"hi there","author":{"name":"Ann"}}}}}`,
    ],
  ];
}

function stomp(i: number): Wire[] {
  return [
    [
      'out',
      `SEND\ndestination:/queue/orders\ncontent-type:application/json\nreceipt:r${i}\n\n{"order":${i},"item":"book"}\0`,
    ],
    ['in', `RECEIPT\nreceipt-id:r${i}\n\n\0`],
  ];
}

function signalr(i: number): Wire[] {
  const handshake: Wire[] = [
    ['out', '{"protocol":"json","version":1}\u001e'],
    ['in', '{}\u001e'],
  ];
  return [
    ...(i === 0 ? handshake : []),
    [
      'out',
      `{"type":1,"invocationId":"${i}","target":"SendMessage","arguments":["ann","hello number ${i}"]}\u001e`,
    ],
    ['in', `{"type":3,"invocationId":"${i}","result":{"ok":true,"id":${i}}}\u001e`],
  ];
}

/** Engine.IO long polling: a POST body of four events with acks, a GET body of their acks. */
function sioPolling(i: number): Wire[] {
  const ids = [0, 1, 2, 3].map((k) => i * 4 + k);
  return [
    [
      'out',
      ids
        .map((id) => `42${id}["chat message",{"room":"general","text":"hello ${id}"}]`)
        .join('\x1e'),
    ],
    ['in', ids.map((id) => `43${id}[{"ok":true,"id":"m${id}"}]`).join('\x1e')],
  ];
}

/** SignalR's MessagePack protocol: VarInt-framed arrays after a JSON handshake. */
function signalrMsgpack(i: number): [Direction, string | Uint8Array][] {
  const framed = (message: unknown[]): Uint8Array => {
    const body = msgpack(message);
    // Bodies here are < 128 bytes: a one-byte VarInt length.
    return Uint8Array.of(body.length, ...body);
  };
  const handshake: [Direction, string][] = [
    ['out', '{"protocol":"messagepack","version":1}\u001e'],
    ['in', '{}\u001e'],
  ];
  return [
    ...(i === 0 ? handshake : []),
    ['out', framed([1, {}, String(i), 'SendMessage', ['ann', `hello number ${i}`]])],
    ['in', framed([3, {}, String(i), 3, { ok: true, id: i }])],
  ];
}

function mqtt(i: number): [Direction, Uint8Array][] {
  const topic = Buffer.from('sensors/room-1/temperature');
  const body = Buffer.from(`{"t":${20 + (i % 10)},"ts":${1700000000 + i}}`);
  const id = (i % 65535) + 1;
  const publish = Buffer.concat([
    Buffer.from([0x32, 2 + topic.length + 2 + body.length, 0, topic.length]),
    topic,
    Buffer.from([id >> 8, id & 0xff]),
    body,
  ]);
  return [
    ['out', publish],
    ['in', Uint8Array.of(0x40, 2, id >> 8, id & 0xff)],
  ];
}

const workloads: {
  name: string;
  /** The dissector, when not the workload's name. */
  dissector?: string;
  protocol?: string;
  url: string;
  /** Plain HTTP bodies (polling, JSON-RPC over HTTP) rather than WebSocket messages. */
  http?: boolean;
  wire: (i: number) => [Direction, string | Uint8Array][];
}[] = [
  { name: 'jsonrpc', protocol: 'jsonrpc', url: 'ws://127.0.0.1/', wire: rpc },
  { name: 'socketio', url: 'ws://127.0.0.1/socket.io/?EIO=4&transport=websocket', wire: sio },
  {
    name: 'graphql-transport-ws',
    protocol: 'graphql-transport-ws',
    url: 'ws://127.0.0.1/',
    wire: gql,
  },
  { name: 'stomp', protocol: 'v12.stomp', url: 'ws://127.0.0.1/ws', wire: stomp },
  { name: 'signalr', url: 'ws://127.0.0.1/hub?id=t', wire: signalr },
  { name: 'mqtt', protocol: 'mqtt', url: 'ws://127.0.0.1/mqtt', wire: mqtt },
  {
    name: 'socketio (polling)',
    dissector: 'socketio',
    url: 'http://127.0.0.1/socket.io/?EIO=4&transport=polling&sid=s',
    http: true,
    wire: sioPolling,
  },
  {
    name: 'signalr (msgpack)',
    dissector: 'signalr',
    url: 'ws://127.0.0.1/hub?id=t',
    wire: signalrMsgpack,
  },
  {
    name: 'jsonrpc (HTTP)',
    dissector: 'jsonrpc',
    url: 'http://127.0.0.1/mcp',
    http: true,
    wire: rpc,
  },
];

function connection(url: string, protocol: string | undefined, http: boolean): Connection {
  return {
    id: 'c',
    kind: http ? 'http' : 'ws',
    ...(http ? { response: { status: 200, statusText: 'OK', headers: [] } } : {}),
    source: 'proxy',
    url,
    method: 'GET',
    requestHeaders: [],
    state: 'open',
    openedAt: 0,
    bytesOut: 0,
    bytesIn: 0,
    ...(protocol === undefined ? {} : { protocol }),
  };
}

function entries(wire: (i: number) => [Direction, string | Uint8Array][]): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; out.length < MESSAGES; i++) {
    for (const [direction, payload] of wire(i)) {
      out.push({
        seq: out.length + 1,
        connectionId: 'c',
        time: out.length,
        direction,
        kind: typeof payload === 'string' ? 'text' : 'binary',
        payload,
        payloadSize: payload.length,
        wireSize: payload.length + 4,
      });
    }
  }
  return out;
}

function rate(run: () => number): number {
  run(); // warm-up
  let messages = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < TARGET_MS) {
    messages += run();
    elapsed = performance.now() - start;
  }
  return (messages / elapsed) * 1000;
}

/**
 * What the protocol view of a session keeps per protocol message (annotations, pairs, indexes):
 * the heap with the view minus the heap once it is dropped. Needs --expose-gc (npm run bench).
 */
function viewsBytesPerMessage(store: SessionStore, messages: number): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return 'n/a (no --expose-gc)';
  const heap = (): number => {
    for (let i = 0; i < 4; i++) gc();
    return process.memoryUsage().heapUsed;
  };
  const built = (): number => {
    const views = new ProtocolViews(store, { live: false });
    const held = heap();
    if (views.channels().length === 0) throw new Error('nothing dissected');
    return held;
  };
  const held = built();
  return `${Math.round((held - heap()) / messages)} B/msg`;
}

/**
 * Per message of large requests: a clipped preview must not keep the whole JSON it was cut from
 * (it did: 98 KiB kept per 100 KB request before the previews were flattened).
 */
function bigParamsBytes(): string {
  const store = new SessionStore();
  store.addConnection(connection('ws://127.0.0.1/', 'jsonrpc', false));
  const big = 'x'.repeat(100_000);
  const count = 200;
  for (let i = 0; i < count; i++) {
    const text = JSON.stringify({
      jsonrpc: '2.0',
      id: i,
      method: 'put',
      params: { blob: big + String(i) },
    });
    store.append({
      connectionId: 'c',
      time: i,
      direction: 'out',
      kind: 'text',
      payload: text,
      payloadSize: text.length,
      wireSize: text.length + 4,
    });
  }
  return viewsBytesPerMessage(store, count);
}

export async function main(): Promise<void> {
  const rows: string[][] = [['workload', 'dissector', 'views', 'ws decode', 'views memory']];
  for (const w of workloads) {
    const list = entries(w.wire);
    const conn = connection(w.url, w.protocol, w.http === true);
    const name = w.dissector ?? w.name;
    const dissector = DISSECTORS.find((d) => d.name === name);
    if (dissector === undefined) throw new Error(`no dissector ${name}`);
    // Protocol messages, not entries: a polling body carries several.
    let messages = 0;
    const alone = rate(() => {
      const instance = dissector.create(conn);
      let n = 0;
      for (const e of list) {
        for (const d of instance.feed(e)) {
          if (d.message.malformed !== undefined) throw new Error(`${w.name}: ${d.message.summary}`);
          n++;
        }
      }
      if (n < list.length) throw new Error(`${w.name}: ${n} messages of ${list.length}`);
      messages = n;
      return n;
    });
    const store = new SessionStore();
    store.addConnection(conn);
    for (const e of list) store.appendWithSeq(e);
    const views = rate(() => {
      const v = new ProtocolViews(store, { live: false });
      // Requests and answers alternate (handshakes pair too): every request is answered.
      if (v.unanswered().length !== 0 || v.pairs().length < messages / 2 - 1) {
        throw new Error(`${w.name}: pairs missing`);
      }
      return messages;
    });
    const streams = { out: [] as Uint8Array[], in: [] as Uint8Array[] };
    for (const e of list) {
      streams[e.direction].push(
        frame({
          opcode: typeof e.payload === 'string' ? 1 : 2,
          payload: e.payload,
          mask: e.direction === 'out',
        }),
      );
    }
    const bytes = { out: concat(streams.out), in: concat(streams.in) };
    const decode = rate(() => {
      let n = 0;
      for (const direction of ['out', 'in'] as const) {
        const decoder = new WsFrameDecoder(() => n++, { direction });
        decoder.feed(bytes[direction]);
      }
      return n;
    });
    rows.push([
      w.name,
      ...[alone, views, decode].map((r) => `${Math.round(r / 1000)}k msg/s`),
      viewsBytesPerMessage(store, messages),
    ]);
  }
  rows.push(['jsonrpc, 100 KB params', '', '', '', bigParamsBytes()]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
  await Promise.resolve();
}

if (import.meta.main) await main();
