/**
 * The upstream of the proxy benchmark, in its own process: a WebSocket echo (any path), a
 * WebSocket flood (/flood: 1 KiB messages as fast as the socket takes them, for `ms`), a JSON-RPC
 * answerer (/jsonrpc: each `{"jsonrpc":"2.0","id":N,"method":"echo","params":P}` gets
 * `{"jsonrpc":"2.0","id":N,"result":P}` back), and an event stream (/sse?n=N: N events of exactly 100 bytes, chunked, written with backpressure).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const EVENT = Buffer.from(`data: ${'x'.repeat(92)}\n\n`); // 100 bytes
const BATCH = 100;
const batch = Buffer.concat(Array.from({ length: BATCH }, () => EVENT));

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/sse') {
    res.writeHead(404).end();
    return;
  }
  const total = Number(url.searchParams.get('n') ?? '1000');
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      const count = Math.min(BATCH, total - sent);
      sent += count;
      const ok = res.write(count === BATCH ? batch : batch.subarray(0, count * EVENT.length));
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
});

const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 1 << 30 });
wss.on('connection', (socket, req) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/flood') {
    const until = Date.now() + Number(url.searchParams.get('ms') ?? '3000');
    const message = Buffer.alloc(1024, 7);
    const flood = (): void => {
      if (Date.now() > until || socket.readyState !== socket.OPEN) {
        socket.close();
        return;
      }
      while (socket.bufferedAmount < 1 << 20) socket.send(message);
      setTimeout(flood, 1);
    };
    flood();
    return;
  }
  if (url.pathname === '/jsonrpc') {
    socket.on('message', (data: Buffer) => {
      // A string edit, not JSON.parse: the upstream's own CPU is not what is measured.
      socket.send(data.toString('utf8').replace('"method":"echo","params"', '"result"'));
    });
    return;
  }
  socket.on('message', (data, isBinary) => {
    socket.send(data, { binary: isBinary });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
// Its own CPU, so the benchmark can show how the two cores are shared (see the SSE split).
process.on('message', (message) => {
  if (message === 'usage' || message === 'reset')
    process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage.rss(), peakRss: 0 });
});
process.on('disconnect', () => process.exit(0));
