import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SessionStore } from '../session/store.ts';
import { listenLoopback } from '../testing/loopback.ts';
import { selfSignedCertificate } from '../testing/self-signed.ts';
import { openSseConnection } from './sse-client.ts';
import { openWsConnection } from './ws-client.ts';

// One HTTPS server with a self-signed certificate serving both a WebSocket and an event stream.
let listening: Awaited<ReturnType<typeof listenLoopback>>;
let wss: WebSocketServer;
beforeAll(async () => {
  const server = https.createServer(selfSignedCertificate(), (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' }).end('data: secure\n\n');
  });
  wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.send('secure');
  });
  listening = await listenLoopback(server);
});
afterAll(async () => {
  wss.close();
  await listening.close();
});

describe('TLS', () => {
  it('rejects a self-signed certificate by default, saying how to accept it', async () => {
    const store = new SessionStore();
    const ws = openWsConnection(store, { url: `wss://127.0.0.1:${listening.port}/` });
    await expect(ws.opened).rejects.toThrow(
      /TLS certificate of 127\.0\.0\.1:\d+ rejected \(DEPTH_ZERO_SELF_SIGNED_CERT\); use --insecure/,
    );
    const sse = openSseConnection(store, {
      url: `https://127.0.0.1:${listening.port}/`,
      reconnect: false,
    });
    expect(await sse.done).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/TLS certificate .* rejected/) as unknown,
    });
  });

  it('accepts it with insecure, over wss and https', async () => {
    const store = new SessionStore();
    const ws = openWsConnection(store, {
      url: `wss://127.0.0.1:${listening.port}/`,
      insecure: true,
    });
    await ws.opened;
    const sse = openSseConnection(store, {
      url: `https://127.0.0.1:${listening.port}/`,
      insecure: true,
      reconnect: false,
    });
    await sse.done;
    await ws.close();
    const payloads = [...store.allEntries()]
      .filter((e) => e.kind === 'text' || e.kind === 'event')
      .map((e) => `${e.kind}:${String(e.payload)}`);
    expect(payloads.sort()).toEqual(['event:secure', 'text:secure']);
    // The tap sits on the TLS socket: frames are decoded from the decrypted bytes.
    const text = [...store.allEntries()].find((e) => e.kind === 'text');
    expect(text?.frame).toMatchObject({ masked: false, fragments: 1 });
  });
});
