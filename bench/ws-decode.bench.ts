/**
 * WebSocket decode throughput: Telltale's WsFrameDecoder next to the Receiver that the `ws`
 * package exports, decoding the very same bytes fed in the same 16 KiB chunks.
 *
 * MB/s counts wire bytes (frame headers included; compressed bytes for permessage-deflate, with
 * the inflated rate beside it). Each row: one warm-up pass per implementation, then whole passes
 * over the stream until ~1.5 s have elapsed, alternating implementations so that neither gets a
 * warmer machine. Both must deliver every message, or the row says so.
 *
 * Run alone: `node bench/ws-decode.bench.ts`; or as part of `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { WsFrameDecoder } from '../main/core/protocol/ws/frame-decoder.ts';
import { parsePerMessageDeflate } from '../main/core/protocol/ws/permessage-deflate.ts';
import { concat, frame, TestDeflater } from '../main/core/protocol/ws/test-frames.ts';
import type { FrameSpec } from '../main/core/protocol/ws/test-frames.ts';
import {
  WsPerMessageDeflateClass,
  WsReceiverClass,
} from '../main/core/protocol/ws/ws-internals.ts';

const CHUNK = 16 * 1024;
const TARGET_MS = 1500;
const DEFLATE_EXTENSIONS = 'permessage-deflate; client_max_window_bits=15';

interface Workload {
  name: string;
  chunks: Buffer[];
  wireBytes: number;
  payloadBytes: number;
  messages: number;
  masked: boolean;
  deflate: boolean;
}

function chunked(stream: Uint8Array): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += CHUNK) {
    // Each chunk its own Buffer, as a socket delivers them.
    chunks.push(Buffer.from(stream.subarray(i, i + CHUNK)));
  }
  return chunks;
}

function textPayload(size: number, seed: number): string {
  // JSON-ish text like real traffic, with some non-ASCII so UTF-8 validation does real work.
  let s = `{"seq":${seed},"user":"zoë","items":[`;
  let i = 0;
  while (s.length < size - 8) s += `{"id":${seed * 31 + i++},"v":"${(seed * 7919 + i) % 100000}"},`;
  return (s + '0]}').padEnd(size, ' ').slice(0, size);
}

function build(name: string, specs: FrameSpec[], payloadBytes: number, masked: boolean): Workload {
  const stream = concat(specs.map((s) => frame(s)));
  return {
    name,
    chunks: chunked(stream),
    wireBytes: stream.length,
    payloadBytes,
    messages: specs.length,
    masked,
    deflate: false,
  };
}

function maskKey(): Uint8Array {
  return randomBytes(4);
}

function textWorkload(masked: boolean): Workload {
  const specs: FrameSpec[] = [];
  let payloadBytes = 0;
  for (let i = 0; i < 8192; i++) {
    const payload = new TextEncoder().encode(textPayload(1024, i));
    payloadBytes += payload.length;
    specs.push({ opcode: 1, payload, mask: masked ? maskKey() : undefined });
  }
  return build(`text 1 KiB, ${masked ? 'masked' : 'unmasked'}`, specs, payloadBytes, masked);
}

function binaryWorkload(masked: boolean): Workload {
  const specs: FrameSpec[] = [];
  for (let i = 0; i < 128; i++) {
    specs.push({
      opcode: 2,
      payload: randomBytes(64 * 1024),
      mask: masked ? maskKey() : undefined,
    });
  }
  return build(`binary 64 KiB, ${masked ? 'masked' : 'unmasked'}`, specs, 128 * 64 * 1024, masked);
}

async function deflateWorkload(): Promise<Workload> {
  const deflater = new TestDeflater();
  const specs: FrameSpec[] = [];
  let payloadBytes = 0;
  for (let i = 0; i < 8192; i++) {
    const text = textPayload(1024, i);
    payloadBytes += Buffer.byteLength(text);
    specs.push({ opcode: 1, rsv1: true, payload: await deflater.compress(text), mask: maskKey() });
  }
  deflater.close();
  const w = build(
    'text 1 KiB, masked, permessage-deflate (context takeover)',
    specs,
    payloadBytes,
    true,
  );
  w.deflate = true;
  return w;
}

/** One pass with a fresh decoder (a fresh inflate context, as a new connection would have). */
function passTelltale(w: Workload): number {
  let messages = 0;
  const decoder = new WsFrameDecoder(
    () => {
      messages++;
    },
    {
      direction: w.masked ? 'out' : 'in',
      deflate: w.deflate ? parsePerMessageDeflate(DEFLATE_EXTENSIONS) : null,
    },
  );
  for (const chunk of w.chunks) decoder.feed(chunk);
  decoder.end();
  return messages;
}

/** ws unmasks in place, so it gets its own copy of the chunks (made outside the timing). */
function copies(w: Workload): Buffer[] {
  return w.chunks.map((c) => Buffer.from(c));
}

/**
 * `toText`: also turn each text message into a JS string, as an application (or an inspector)
 * must; ws's Receiver hands out Buffers and leaves that cost to its user.
 */
function passWs(w: Workload, chunks: Buffer[], toText = false): Promise<number> {
  return new Promise((resolve, reject) => {
    let messages = 0;
    let extensions = {};
    if (w.deflate) {
      const pmd = new WsPerMessageDeflateClass({}, w.masked, 0);
      pmd.accept([{}]);
      extensions = { 'permessage-deflate': pmd };
    }
    const receiver = new WsReceiverClass({ isServer: w.masked, maxPayload: 0, extensions });
    receiver.on('message', (data, isBinary) => {
      if (toText && !isBinary) data.toString('utf8');
      if (++messages === w.messages) resolve(messages);
    });
    receiver.on('error', reject);
    for (const chunk of chunks) receiver.write(chunk);
    if (w.messages === 0) resolve(0);
  });
}

interface Measured {
  mbPerSec: number;
  ok: boolean;
}

/** One timed pass; `prepare` runs outside the timing. */
interface Contender {
  prepare: () => Buffer[] | null;
  run: (chunks: Buffer[] | null) => number | Promise<number>;
}

async function measure(w: Workload, contenders: Contender[]): Promise<Measured[]> {
  const ok: boolean[] = [];
  // Warm-up, and the correctness check: each must see every message.
  for (const c of contenders) ok.push((await c.run(c.prepare())) === w.messages);
  const ms = contenders.map(() => 0);
  const passes = contenders.map(() => 0);
  // Round-robin, so that no contender gets a quieter machine than the others.
  while (ms.some((t) => t < TARGET_MS)) {
    for (const [i, c] of contenders.entries()) {
      if ((ms[i] ?? 0) >= TARGET_MS) continue;
      const chunks = c.prepare();
      const t0 = performance.now();
      await c.run(chunks);
      ms[i] = (ms[i] ?? 0) + performance.now() - t0;
      passes[i] = (passes[i] ?? 0) + 1;
    }
  }
  return contenders.map((_, i) => ({
    mbPerSec: ((passes[i] ?? 0) * w.wireBytes) / 1e6 / ((ms[i] ?? 1) / 1000),
    ok: ok[i] ?? false,
  }));
}

function cell(m: Measured | undefined, inflateRatio: number | null): string {
  if (!m) return '';
  const base = m.mbPerSec.toFixed(0);
  const inflated =
    inflateRatio === null ? '' : ` (${(m.mbPerSec * inflateRatio).toFixed(0)} inflated)`;
  return `${base}${inflated}${m.ok ? '' : ' MISSED MESSAGES'}`;
}

export async function main(): Promise<void> {
  const workloads = [
    textWorkload(false),
    textWorkload(true),
    binaryWorkload(false),
    binaryWorkload(true),
    await deflateWorkload(),
  ];
  const rows: string[][] = [
    [
      'workload (16 KiB chunks)',
      'Telltale MB/s',
      'ws Receiver MB/s',
      'ratio',
      'ws + toString() MB/s',
      'ratio',
    ],
  ];
  for (const w of workloads) {
    const text = w.name.startsWith('text');
    const contenders: Contender[] = [
      { prepare: () => null, run: () => passTelltale(w) },
      { prepare: () => copies(w), run: (chunks) => passWs(w, chunks ?? []) },
    ];
    if (text) contenders.push({ prepare: () => copies(w), run: (c) => passWs(w, c ?? [], true) });
    const [ours, ws, wsText] = await measure(w, contenders);
    const ratio = w.deflate ? w.payloadBytes / w.wireBytes : null;
    const x = (a?: Measured, b?: Measured): string =>
      a && b ? `${(a.mbPerSec / b.mbPerSec).toFixed(2)}x` : '';
    rows.push([
      w.name,
      cell(ours, ratio),
      cell(ws, ratio),
      x(ours, ws),
      cell(wsText, ratio),
      x(ours, wsText),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) {
    console.log(
      row
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  '),
    );
  }
  console.log(
    'MB/s of wire bytes (headers included); "inflated" = the same rate in decompressed bytes.\n' +
      'Telltale yields a JS string per valid text message and records frame detail; ws yields a\n' +
      'Buffer, so "ws + toString()" is ws plus the decode any consumer of text must do.',
  );
}

if (import.meta.main) await main();
