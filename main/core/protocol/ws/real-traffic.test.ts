/**
 * Real `ws` peers on 127.0.0.1: the bytes both sides put on the wire are recorded (socket 'data'
 * on the server for client→server, a wrapped socket.write for server→client) in the chunks they
 * really came in, then decoded; the decoder must reproduce exactly what each ws peer received.
 */
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { parsePerMessageDeflate } from './permessage-deflate.ts';
import { comparable, concat } from './test-frames.ts';
import { WsFrameDecoder } from './frame-decoder.ts';
import type { DecodedWsMessage } from './types.ts';

interface Seen {
  kind: string;
  payload: string | number[];
}

function toBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as Buffer);
}

interface Recording {
  out: Buffer[];
  in: Buffer[];
  /** What the server's ws received (client→server), in order. */
  serverSaw: Seen[];
  /** What the client's ws received (server→client), in order. */
  clientSaw: Seen[];
  extensions: string;
}

let server: WebSocketServer | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server)
      server.close(() => {
        resolve();
      });
    else resolve();
  });
  server = null;
});

async function record(perMessageDeflate: boolean): Promise<Recording> {
  const rec: Recording = { out: [], in: [], serverSaw: [], clientSaw: [], extensions: '' };
  const deflateOptions = perMessageDeflate ? { threshold: 0 } : false;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: deflateOptions,
  });
  server = wss;
  await new Promise<void>((resolve) => wss.on('listening', resolve));
  const serverDone = new Promise<void>((resolve) => {
    wss.on('connection', (peer, req) => {
      const socket = req.socket;
      // First in line and copied: ws unmasks received chunks in place, so a tap that runs after
      // ws's own listener would see unmasked bytes under a mask bit.
      socket.prependListener('data', (chunk: Buffer) => rec.out.push(Buffer.from(chunk)));
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
      socket.write = (data: Uint8Array | string, ...rest: unknown[]) => {
        rec.in.push(Buffer.from(data));
        return write(data, ...rest);
      };
      peer.on('message', (data, isBinary) => {
        const bytes = toBytes(data);
        rec.serverSaw.push({
          kind: isBinary ? 'binary' : 'text',
          payload: isBinary ? Array.from(bytes) : bytes.toString(),
        });
        // Echo, then a message of the server's own.
        peer.send(bytes, { binary: isBinary });
        peer.send(
          `server says ${rec.serverSaw.length}: ${'ok '.repeat(rec.serverSaw.length * 40)}`,
        );
      });
      peer.on('ping', (data) => {
        rec.serverSaw.push({ kind: 'ping', payload: Array.from(data) });
        peer.ping(Buffer.from('server ping'));
      });
      peer.on('pong', (data) => rec.serverSaw.push({ kind: 'pong', payload: Array.from(data) }));
      peer.on('close', (code, reason) => {
        rec.serverSaw.push({ kind: 'close', payload: `${code}:${reason.toString()}` });
        resolve();
      });
    });
  });

  const port = (wss.address() as AddressInfo).port;
  const client = new WebSocket(`ws://127.0.0.1:${port}`, {
    perMessageDeflate: perMessageDeflate ? { threshold: 0 } : false,
  });
  client.on('message', (data, isBinary) => {
    const bytes = toBytes(data);
    rec.clientSaw.push({
      kind: isBinary ? 'binary' : 'text',
      payload: isBinary ? Array.from(bytes) : bytes.toString(),
    });
  });
  client.on('ping', (data) => rec.clientSaw.push({ kind: 'ping', payload: Array.from(data) }));
  client.on('pong', (data) => rec.clientSaw.push({ kind: 'pong', payload: Array.from(data) }));
  const clientClosed = new Promise<void>((resolve) => {
    client.on('close', (code, reason) => {
      rec.clientSaw.push({ kind: 'close', payload: `${code}:${reason.toString()}` });
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    client.on('open', resolve);
    client.on('error', reject);
  });
  rec.extensions = client.extensions;

  const send = (
    data: string | Buffer,
    options: { fin?: boolean; binary?: boolean } = {},
  ): Promise<void> =>
    new Promise((resolve, reject) => {
      client.send(data, options, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  await send('hello');
  await send('κόσμε '.repeat(2000));
  await send(randomBytes(70_000), { binary: true });
  await send('', {});
  client.ping(Buffer.from('client ping'));
  await send('first part, ', { fin: false });
  await send('second part, ', { fin: false });
  await send('last part', { fin: true });
  for (let i = 0; i < 50; i++) await send(JSON.stringify({ i, text: 'repeated words '.repeat(i) }));
  // Let the echoes arrive before closing, so the recordings are complete.
  await new Promise((resolve) => setTimeout(resolve, 100));
  client.close(4000, 'bye κ');
  await Promise.all([clientClosed, serverDone]);
  return rec;
}

function decode(chunks: Buffer[], direction: 'out' | 'in', extensions: string): DecodedWsMessage[] {
  const out: DecodedWsMessage[] = [];
  const decoder = new WsFrameDecoder((m) => out.push(m), {
    direction,
    deflate: parsePerMessageDeflate(extensions),
  });
  for (const chunk of chunks) decoder.feed(chunk);
  decoder.end();
  return out;
}

function asSeen(messages: DecodedWsMessage[]): Seen[] {
  return messages.map((m) => ({
    kind: m.kind,
    payload:
      m.kind === 'close'
        ? `${m.close?.code ?? ''}:${m.close?.reason ?? ''}`
        : typeof m.payload === 'string'
          ? m.payload
          : Array.from(m.payload),
  }));
}

describe('decoding traffic recorded between real ws peers', () => {
  it.each([false, true])('perMessageDeflate %s', async (deflate) => {
    const rec = await record(deflate);
    expect(rec.extensions.includes('permessage-deflate')).toBe(deflate);
    const out = decode(rec.out, 'out', rec.extensions);
    const inbound = decode(rec.in, 'in', rec.extensions);

    expect(asSeen(out)).toEqual(rec.serverSaw);
    expect(asSeen(inbound)).toEqual(rec.clientSaw);
    for (const m of [...out, ...inbound]) {
      expect(m.notes).toBeUndefined();
      expect(m.frame?.masked).toBe(out.includes(m));
      if (deflate && (m.kind === 'text' || m.kind === 'binary')) {
        expect(m.frame?.rsv1).toBe(true);
        expect(m.frame?.compressedSize).toBeGreaterThan(0);
      }
    }
    // Every recorded byte is accounted for by exactly one output.
    const total = (chunks: Buffer[]): number => chunks.reduce((s, c) => s + c.length, 0);
    expect(out.reduce((s, m) => s + m.wireSize, 0)).toBe(total(rec.out));
    expect(inbound.reduce((s, m) => s + m.wireSize, 0)).toBe(total(rec.in));
    const fragmented = out.find((m) => m.payload === 'first part, second part, last part');
    expect(fragmented?.frame?.fragments).toBe(3);
    // The split that the sockets happened to produce does not matter.
    expect(comparable(decode([Buffer.from(concat(rec.out))], 'out', rec.extensions))).toEqual(
      comparable(out),
    );
  });
});
