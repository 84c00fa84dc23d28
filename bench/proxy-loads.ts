/**
 * The loads of the proxy benchmark, each a client of the proxy (or of the upstream directly):
 * echoes at a fixed rate, 64 KiB echoes at saturation, one message in flight, an event stream,
 * and a WebSocket reader far slower than its server. Every load is bounded in time or count.
 */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function openWs(port: number, path: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
    perMessageDeflate: false,
    maxPayload: 1 << 30,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** What the echo loads send: a message numbered `id`, and how to read the number back. */
export interface EchoShape {
  /** Path on the upstream (`/echo` answers with the same bytes, `/jsonrpc` with a result). */
  path: string;
  make(id: number): Buffer | string;
  idOf(data: Buffer): number;
}

/** 1 KiB binary messages, the number in their first 4 bytes. */
export const binaryEcho: EchoShape = {
  path: '/echo',
  make(id) {
    const message = Buffer.alloc(1024, 1);
    message.writeUInt32LE(id, 0);
    return message;
  },
  idOf: (data) => data.readUInt32LE(0),
};

const RPC_PREFIX = '{"jsonrpc":"2.0","id":';
const RPC_FILL = 'x'.repeat(1024);

/**
 * JSON-RPC 2.0 requests of 1 KiB (text) that the upstream answers with a result of the same
 * size and id: what the JSON-RPC dissector reads and pairs.
 */
export const jsonRpcEcho: EchoShape = {
  path: '/jsonrpc',
  make(id) {
    const head = `${RPC_PREFIX}${id},"method":"echo","params":{"data":"`;
    const tail = '"}}';
    return head + RPC_FILL.slice(0, 1024 - head.length - tail.length) + tail;
  },
  idOf(data) {
    // The answer starts with the same prefix: the id follows it, up to the next comma.
    const end = data.indexOf(44, RPC_PREFIX.length);
    return Number(data.toString('latin1', RPC_PREFIX.length, end));
  },
};

/** Echoes offered at `rate`/s for `seconds`; latency per echo (µs, sorted). */
export async function echoAtRate(
  port: number,
  rate: number,
  seconds: number,
  shape: EchoShape = binaryEcho,
): Promise<{ echoes: number; lat: number[] }> {
  const ws = await openWs(port, shape.path);
  const sentAt = new Map<number, number>();
  const lat: number[] = [];
  let echoes = 0;
  ws.on('message', (data: Buffer) => {
    const id = shape.idOf(data);
    const t = sentAt.get(id);
    if (t !== undefined) {
      lat.push((performance.now() - t) * 1000);
      sentAt.delete(id);
    }
    echoes += 1;
  });
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * rate);
      while (sent < due) {
        const message = shape.make(sent);
        sentAt.set(sent, performance.now());
        ws.send(message);
        sent += 1;
      }
    }, 1);
  });
  const deadline = Date.now() + 5000;
  while (echoes < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  ws.terminate();
  return { echoes, lat: lat.sort((a, b) => a - b) };
}

/** 64 KiB echoes with 8 in flight, as fast as they go, for `seconds`. */
export async function echoSaturated(
  port: number,
  seconds: number,
): Promise<{ echoes: number; perSecond: number }> {
  const ws = await openWs(port, '/echo');
  const payload = Buffer.alloc(64 * 1024, 2);
  let echoes = 0;
  let stop = false;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    ws.on('message', () => {
      echoes += 1;
      if (performance.now() - start >= seconds * 1000) stop = true;
      if (!stop) ws.send(payload);
      else resolve();
    });
    for (let i = 0; i < 8; i++) ws.send(payload);
  });
  const elapsed = (performance.now() - start) / 1000;
  ws.terminate();
  return { echoes, perSecond: echoes / elapsed };
}

/** One 32-byte message in flight at a time; latencies (µs, sorted). */
export async function pingPong(port: number, count: number): Promise<number[]> {
  const ws = await openWs(port, '/echo');
  const payload = Buffer.alloc(32, 3);
  const lat: number[] = [];
  await new Promise<void>((resolve) => {
    let t = performance.now();
    ws.on('message', () => {
      lat.push((performance.now() - t) * 1000);
      if (lat.length >= count) {
        resolve();
        return;
      }
      t = performance.now();
      ws.send(payload);
    });
    ws.send(payload);
  });
  ws.terminate();
  return lat.sort((a, b) => a - b);
}

/** Reads an event stream of `n` 100-byte events; events/s. */
export async function sseRun(
  port: number,
  n: number,
  timeoutMs: number,
): Promise<{ events: number; perSecond: number }> {
  const start = performance.now();
  const events = await new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/sse?n=${n}`, agent: false }, (res) => {
      let count = 0;
      let lastWasLf = false;
      res.on('data', (chunk: Buffer) => {
        let at = chunk.indexOf(10);
        while (at >= 0) {
          if (at === 0 ? lastWasLf : chunk[at - 1] === 10) count += 1;
          at = chunk.indexOf(10, at + 1);
        }
        lastWasLf = chunk[chunk.length - 1] === 10;
      });
      res.on('end', () => {
        resolve(count);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timed out')));
  });
  return { events, perSecond: events / ((performance.now() - start) / 1000) };
}

/** A WebSocket reader at ~1 MB/s under a server that writes as fast as the socket takes. */
export async function slowReader(port: number, seconds: number): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(
    `GET /flood?ms=${seconds * 1000} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  socket.pause();
  let read = 0;
  const timer = setInterval(() => {
    const chunk = socket.read(Math.min(socket.readableLength, 10_000)) as Buffer | null;
    if (chunk) read += chunk.length;
  }, 10);
  await new Promise((r) => setTimeout(r, seconds * 1000 + 500));
  clearInterval(timer);
  socket.destroy();
  return read;
}
