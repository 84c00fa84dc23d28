/**
 * Each WebSocket rule against a real misbehaving peer on loopback (a `ws` server, or a raw one
 * for what `ws` refuses to send), recorded through the proxy; and a well-behaved pair that
 * triggers nothing.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerOptions, WebSocket as ServerSocket } from 'ws';
import { openWsConnection } from '../connect/ws-client.ts';
import { startProxy } from '../proxy/index.ts';
import { wsUpstream } from '../proxy/test-support.ts';
import { SessionStore } from '../session/store.ts';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { rawWsServer } from '../testing/raw-ws-server.ts';
import { diagnoseStore } from './records.ts';
import { allEnded, type Cleanup } from './test-support.ts';
import type { DiagnosticsOptions, Finding } from './types.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const fast: DiagnosticsOptions = { idleTimeoutsMs: [150, 300], pongTimeoutMs: 100 };
/**
 * For tests of other rules: a loaded machine may stall a few hundred ms between two frames, which
 * the fast idle timeouts would (rightly) report as ws.no-heartbeat.
 */
const calm: DiagnosticsOptions = { ...fast, idleTimeoutsMs: [2000, 4000] };
const rules = (findings: Finding[]) => findings.map((f) => f.rule);
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

async function recordingProxy(target: string) {
  const store = new SessionStore({ batchIntervalMs: 1 });
  const proxy = await startProxy(store, { port: 0, target });
  cleanups.push(() => proxy.close());
  return { store, wsUrl: `${proxy.url.replace('http:', 'ws:')}/socket` };
}

async function wsBehindProxy(options: ServerOptions, onConnection: (socket: ServerSocket) => void) {
  const upstream = await wsUpstream(cleanups, options, onConnection);
  return recordingProxy(`http://127.0.0.1:${upstream.port}`);
}

async function rawBehindProxy(afterHandshake: (socket: net.Socket) => void) {
  const listening = await listenLoopback(rawWsServer(afterHandshake));
  cleanups.push(() => listening.close());
  return recordingProxy(`http://127.0.0.1:${listening.port}`);
}

function client(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  cleanups.push(() => {
    ws.terminate();
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve();
    else
      ws.once('close', () => {
        resolve();
      });
  });
}

describe('WebSocket diagnostics', () => {
  it('a well-behaved pair (server pings, small messages, clean close) has no findings', async () => {
    const { store, wsUrl } = await wsBehindProxy({}, (socket) => {
      const timer = setInterval(() => {
        socket.ping();
      }, 40);
      socket.on('close', () => {
        clearInterval(timer);
      });
      socket.on('message', (data) => {
        socket.send(data);
      });
    });
    const ws = await client(wsUrl);
    for (let i = 0; i < 5; i++) {
      ws.send(`hello ${i}`);
      await sleep(70);
    }
    ws.close(1000, 'done');
    await closed(ws);
    await allEnded(store);
    const entries = [...store.allEntries()];
    expect(entries.filter((e) => e.kind === 'ping').length).toBeGreaterThan(3);
    expect(diagnoseStore(store, calm)).toEqual([]);
  });

  it('ws.no-heartbeat: nothing crosses the socket for longer than the idle timeouts', async () => {
    const { store, wsUrl } = await wsBehindProxy({}, () => undefined);
    const ws = await client(wsUrl);
    await sleep(200);
    ws.close(1000);
    await closed(ws);
    await allEnded(store);
    const findings = diagnoseStore(store, fast);
    expect(rules(findings)).toEqual(['ws.no-heartbeat']);
    expect(findings[0]?.message).toMatch(/no ping\/pong at all .*from the open.*150 ms\.$/);
  });

  it('ws.abnormal-close: the server drops the TCP connection without a close frame', async () => {
    const { store, wsUrl } = await wsBehindProxy({}, (socket) => {
      socket.send('bye');
      setTimeout(() => {
        socket.terminate();
      }, 5);
    });
    const ws = await client(wsUrl);
    await closed(ws);
    await allEnded(store);
    const findings = diagnoseStore(store, calm);
    expect(rules(findings)).toEqual(['ws.abnormal-close']);
    expect(findings[0]?.severity).toBe('error');
  });

  it('ws.close-code: a close frame carrying 1006, which only exists as a local status', async () => {
    const { store, wsUrl } = await rawBehindProxy((socket) => {
      socket.write(Buffer.from([0x88, 0x02, 0x03, 0xee]));
      setTimeout(() => socket.end(), 20);
    });
    const ws = new WebSocket(wsUrl);
    ws.on('error', () => undefined);
    await closed(ws);
    await allEnded(store);
    const findings = diagnoseStore(store, calm);
    expect(rules(findings)).toEqual(['ws.close-code']);
    expect(findings[0]?.message).toContain('1006');
    const close = [...store.allEntries()].find((e) => e.kind === 'close' && e.direction === 'in');
    expect(findings[0]?.evidence.seqs).toEqual([close?.seq]);
  });

  it('ws.pong-missing: a server that never answers pings', async () => {
    const { store, wsUrl } = await wsBehindProxy({ autoPong: false }, () => undefined);
    const ws = await client(wsUrl);
    ws.ping('one');
    await sleep(120);
    ws.close(1000);
    await closed(ws);
    await allEnded(store);
    const findings = diagnoseStore(store, calm);
    expect(rules(findings)).toEqual(['ws.pong-missing']);
    const ping = [...store.allEntries()].find((e) => e.kind === 'ping');
    expect(findings[0]?.evidence.seqs).toEqual([ping?.seq]);
  });

  it("ws.ping-rtt-rising: pongs that come later and later (Telltale's client measures the round trips)", async () => {
    let answered = 0;
    const upstream = await wsUpstream(cleanups, { autoPong: false }, (socket) => {
      socket.on('ping', (data) => {
        const delay = 2 + answered++ * 8;
        setTimeout(() => {
          socket.pong(data);
        }, delay);
      });
    });
    const store = new SessionStore({ batchIntervalMs: 1 });
    const handle = openWsConnection(store, {
      url: `ws://127.0.0.1:${upstream.port}/`,
      autoPingMs: 15,
    });
    cleanups.push(async () => {
      await handle.close();
    });
    await handle.opened;
    await waitFor(
      () => (store.getConnection(handle.connectionId)?.pingRttMs?.length ?? 0) >= 8,
      5000,
      'eight round trips',
    );
    await handle.close(1000);
    const findings = diagnoseStore(store, { pongTimeoutMs: 1000 });
    expect(rules(findings)).toEqual(['ws.ping-rtt-rising']);
    expect(findings[0]?.severity).toBe('info');
  });

  it('ws.large-message: a message over 1 MB', async () => {
    const { store, wsUrl } = await wsBehindProxy({}, (socket) => {
      socket.send('x'.repeat(1_100_000));
    });
    const ws = await client(wsUrl);
    await new Promise((resolve) => ws.once('message', resolve));
    ws.close(1000);
    await closed(ws);
    await allEnded(store);
    const findings = diagnoseStore(store, calm);
    expect(rules(findings)).toEqual(['ws.large-message']);
    expect(findings[0]?.message).toContain('largest 1,100,000');
  });

  it('ws.deflate-context-takeover: many concurrent deflate sockets keeping their context (none without takeover)', async () => {
    for (const takeover of [true, false]) {
      const deflate = takeover
        ? true
        : { serverNoContextTakeover: true, clientNoContextTakeover: true };
      const { store, wsUrl } = await wsBehindProxy({ perMessageDeflate: deflate }, () => undefined);
      const sockets = await Promise.all([client(wsUrl), client(wsUrl), client(wsUrl)]);
      for (const ws of sockets) ws.close(1000);
      await Promise.all(sockets.map(closed));
      await allEnded(store);
      const findings = diagnoseStore(store, { ...calm, deflateConnections: 3 });
      expect(rules(findings)).toEqual(takeover ? ['ws.deflate-context-takeover'] : []);
      if (takeover) {
        expect(findings[0]?.evidence.headers[0]?.[1]).toContain('permessage-deflate');
      }
    }
  });

  it('ws.protocol-violation: invalid UTF-8 in a text frame and a masked server frame', async () => {
    const { store, wsUrl } = await rawBehindProxy((socket) => {
      socket.write(Buffer.from([0x81, 0x02, 0xc3, 0x28]));
      socket.write(Buffer.from([0x82, 0x81, 1, 2, 3, 4, 0x41]));
      setTimeout(() => socket.end(), 20);
    });
    const ws = new WebSocket(wsUrl);
    ws.on('error', () => undefined);
    await closed(ws);
    await allEnded(store);
    const findings = diagnoseStore(store, calm);
    expect(rules(findings)).toEqual(['ws.protocol-violation']);
    expect(findings[0]?.message).toContain('ws.invalid-utf8 ×1');
    expect(findings[0]?.message).toContain('ws.unexpected-mask ×1');
  });
});
