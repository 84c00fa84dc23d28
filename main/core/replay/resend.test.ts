import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Direction } from '../../../shared/model/entry.ts';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import type { OutgoingMessage } from './outgoing.ts';
import { proxyLiveSender, resendEntry, ResendError } from './resend.ts';
import { testProxy, wsUpstream } from '../proxy/test-support.ts';
import type { Cleanup } from '../proxy/test-support.ts';
import { sseRecording, wsRecording } from './test-recordings.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function echoServer(): Promise<{ url: string; got: string[]; protocols: string[] }> {
  const got: string[] = [];
  const protocols: string[] = [];
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: (p) => [...p][0] ?? false });
  wss.on('connection', (ws) => {
    protocols.push(ws.protocol);
    ws.on('message', (data: Buffer, binary) => {
      got.push(binary ? data.toString('hex') : data.toString());
      ws.send(data, { binary });
    });
  });
  const listening = await listenLoopback(server);
  cleanups.push(() => {
    wss.close();
    return listening.close();
  });
  return { url: `ws://127.0.0.1:${String(listening.port)}/x`, got, protocols };
}

describe('resend into a proxied connection', () => {
  it('a server message goes back to the client, a client message to the server, marked injected', async () => {
    const got: string[] = [];
    const upstream = await wsUpstream(cleanups, {}, (socket) => {
      socket.on('message', (data: Buffer) => got.push(data.toString()));
      socket.send('from the server');
    });
    const { store, proxy } = await testProxy(cleanups, {
      target: `ws://127.0.0.1:${String(upstream.port)}`,
    });
    const client: string[] = [];
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/`);
    cleanups.push(() => {
      ws.terminate();
    });
    ws.on('message', (data: Buffer) => client.push(data.toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('from the client');
    await waitFor(() => got.length === 1 && client.length === 1);
    const [fromServer] = [...store.allEntries()].filter((e) => e.payload === 'from the server');
    const [fromClient] = [...store.allEntries()].filter((e) => e.payload === 'from the client');
    const live = proxyLiveSender(proxy);
    expect(await resendEntry(store, fromServer?.seq ?? 0, { live })).toMatchObject({ via: 'open' });
    expect(
      await resendEntry(store, fromClient?.seq ?? 0, { live, edited: 'edited again' }),
    ).toMatchObject({ via: 'open' });
    await waitFor(() => got.length === 2 && client.length === 2);
    expect(client).toEqual(['from the server', 'from the server']);
    expect(got).toEqual(['from the client', 'edited again']);
    const injected = [...store.allEntries()].filter((e) => e.intervention === 'injected');
    expect(injected.map((e) => [e.direction, e.payload])).toEqual([
      ['in', 'from the server'],
      ['out', 'edited again'],
    ]);
  });
});

describe('resend', () => {
  it('sends a client message again on a fresh connection with the recorded subprotocol', async () => {
    const { url, got, protocols } = await echoServer();
    const store = wsRecording({ protocol: 'chat.v2' });
    const result = await resendEntry(store, 3, { url });
    expect(result.via).toBe('fresh');
    if (result.via !== 'fresh') return;
    cleanups.push(async () => {
      await result.handle.close();
    });
    await waitFor(() => got.length === 1, 2000, 'the resent message');
    expect(got).toEqual(['one']);
    expect(protocols).toEqual(['chat.v2']);
    await waitFor(
      () =>
        [...store.entriesOf(result.connectionId)].some(
          (e) => e.direction === 'in' && e.payload === 'one',
        ),
      2000,
      'the echo recorded on the fresh connection',
    );
  });

  it('sends an edited binary message', async () => {
    const { url, got } = await echoServer();
    const store = wsRecording();
    const result = await resendEntry(store, 7, { url, edited: Uint8Array.of(1, 2) });
    if (result.via === 'fresh')
      cleanups.push(async () => {
        await result.handle.close();
      });
    await waitFor(() => got.length === 1, 2000, 'the resent message');
    expect(got).toEqual(['0102']);
  });

  it('uses the open connection when the host can send on it', async () => {
    const calls: [string, Direction, OutgoingMessage][] = [];
    const store = wsRecording();
    const result = await resendEntry(store, 4, {
      edited: 'EDITED',
      live: (id, direction, message) => {
        calls.push([id, direction, message]);
        return Promise.resolve(true);
      },
    });
    expect(result).toEqual({ via: 'open', connectionId: 'ws-1' });
    expect(calls).toEqual([['ws-1', 'in', { kind: 'text', payload: 'EDITED' }]]);
  });

  it('refuses what cannot be sent again, with typed errors', async () => {
    const store = wsRecording();
    await expect(resendEntry(store, 999)).rejects.toMatchObject({ code: 'resend.no-entry' });
    await expect(resendEntry(store, 1)).rejects.toMatchObject({ code: 'resend.not-a-message' });
    // A server message with nothing open to carry it.
    await expect(
      resendEntry(store, 2, { live: () => Promise.resolve(false) }),
    ).rejects.toBeInstanceOf(ResendError);
    await expect(resendEntry(sseRecording(), 1)).rejects.toMatchObject({ code: 'resend.not-open' });
    await expect(resendEntry(store, 3, { url: 'ws://127.0.0.1:1/' })).rejects.toMatchObject({
      code: 'resend.failed',
    });
  });
});
