import { statSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { listenLoopback, waitFor } from '../testing/loopback.ts';
import { selfSignedCertificate } from '../testing/self-signed.ts';
import { loadOrCreateCa } from './ca.ts';
import type { CertificateAuthority } from './ca.ts';
import { afterHead, capture, testProxy, tunnelSocket } from './test-support.ts';
import type { Capture, Cleanup } from './test-support.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let dir: string;
let ca: CertificateAuthority;
const upstreamCert = selfSignedCertificate();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'telltale-ca-test-'));
  ca = await loadOrCreateCa(dir);
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
});

/** An HTTPS upstream: a WebSocket echo at /ws, an event stream at /events. */
async function httpsUpstream(): Promise<{ port: number; captures: Capture[] }> {
  const captures: Capture[] = [];
  const server = https.createServer(upstreamCert, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('data: secret one\n\n');
    res.end('data: secret two\n\n');
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    captures.push(capture(socket));
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: { threshold: 0 } });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      socket.send(data, { binary: isBinary });
    });
  });
  const listening = await listenLoopback(server);
  cleanups.push(async () => {
    wss.close();
    await listening.close();
  });
  return { port: listening.port, captures };
}

describe('the CA', () => {
  it('is made once, key owner-only, and reused', async () => {
    expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateCa(dir);
    expect(again.certPem).toBe(ca.certPem);
    expect(again.spkiSha256).toBe(ca.spkiSha256);
  });

  it('issues leaves for names and IP literals that verify against it', async () => {
    for (const host of ['example.test', '127.0.0.1']) {
      const leaf = await ca.leafFor(host);
      const cert = new (await import('node:crypto')).X509Certificate(leaf.cert);
      expect(cert.checkIssued(new (await import('node:crypto')).X509Certificate(ca.certPem))).toBe(
        true,
      );
      expect(cert.subjectAltName).toBe(net.isIP(host) ? `IP Address:${host}` : `DNS:${host}`);
    }
    expect(await ca.leafFor('example.test')).toBe(await ca.leafFor('EXAMPLE.test'));
  });
});

describe('MITM', () => {
  it('decrypts a wss connection through CONNECT and relays the plaintext unchanged', async () => {
    const upstream = await httpsUpstream();
    const { store, proxy } = await testProxy(cleanups, { mitm: ca, insecureUpstream: true });
    const tunnel = await tunnelSocket(proxy.port, `localhost:${upstream.port}`);
    const secure = tls.connect({ socket: tunnel, servername: 'localhost', ca: ca.certPem });
    const client = capture(secure);
    const ws = new WebSocket(`wss://localhost:${upstream.port}/ws`, {
      createConnection: (() => secure) as never,
    });
    cleanups.push(() => {
      ws.terminate();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send('hello over TLS ✓');
    await new Promise<void>((resolve) =>
      ws.once('message', () => {
        resolve();
      }),
    );
    const closed = new Promise<void>((resolve) =>
      ws.once('close', () => {
        resolve();
      }),
    );
    ws.close(1000, 'done');
    await closed;
    const record = (): ReturnType<typeof store.connections>[number] | undefined =>
      store.connections().find((c) => c.kind === 'ws');
    await waitFor(() => record()?.state === 'closed', 5000, 'closed');
    const server = upstream.captures[0];
    expect(afterHead(client.read).equals(afterHead(server?.written ?? []))).toBe(true);
    expect(afterHead(server?.read ?? []).equals(afterHead(client.written))).toBe(true);
    expect(record()?.url).toBe(`wss://localhost:${upstream.port}/ws`);
    const texts = [...store.entriesOf(record()?.id ?? '')].filter((e) => e.kind === 'text');
    expect(texts.map((e) => [e.direction, e.payload])).toEqual([
      ['out', 'hello over TLS ✓'],
      ['in', 'hello over TLS ✓'],
    ]);
  });

  it('decodes an event stream over https, for an IP literal without SNI', async () => {
    const upstream = await httpsUpstream();
    const { store, proxy } = await testProxy(cleanups, { mitm: ca, insecureUpstream: true });
    const tunnel = await tunnelSocket(proxy.port, `127.0.0.1:${upstream.port}`);
    const secure = tls.connect({
      socket: tunnel,
      ca: ca.certPem,
      servername: '',
      host: '127.0.0.1',
    });
    let got = '';
    secure.on('data', (chunk: Buffer) => (got += chunk.toString()));
    secure.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\n\r\n`);
    await waitFor(() => got.includes('secret two'), 5000, 'stream');
    secure.destroy();
    const sse = (): ReturnType<typeof store.connections>[number] | undefined =>
      store.connections().find((c) => c.kind === 'sse');
    await waitFor(() => sse()?.state === 'closed', 5000, 'closed');
    const events = [...store.entriesOf(sse()?.id ?? '')].filter((e) => e.kind === 'event');
    expect(events.map((e) => e.payload)).toEqual(['secret one', 'secret two']);
    expect(sse()?.url).toBe(`https://127.0.0.1:${upstream.port}/events`);
  });

  it('records a client that does not trust the CA, and says how to fix it', async () => {
    const upstream = await httpsUpstream();
    const { store, proxy } = await testProxy(cleanups, { mitm: ca, insecureUpstream: true });
    const tunnel = await tunnelSocket(proxy.port, `localhost:${upstream.port}`);
    const secure = tls.connect({ socket: tunnel, servername: 'localhost' }); // no ca: distrust
    const failed = await new Promise<Error>((resolve) => secure.once('error', resolve));
    tunnel.destroy(); // as a browser does after refusing a certificate
    expect(failed.message).toMatch(/certificate/);
    await waitFor(() => store.connections().some((c) => c.state === 'failed'), 5000, 'failed');
    const record = store.connections()[0];
    expect(record?.method).toBe('CONNECT');
    expect(record?.error).toMatch(/does not trust Telltale's CA/);
    expect(record?.error).toContain(ca.certPath);
  });

  it('verifies upstream certificates by default', async () => {
    const upstream = await httpsUpstream();
    const { store, proxy } = await testProxy(cleanups, { mitm: ca });
    const tunnel = await tunnelSocket(proxy.port, `localhost:${upstream.port}`);
    const secure = tls.connect({ socket: tunnel, servername: 'localhost', ca: ca.certPem });
    let got = '';
    secure.on('data', (chunk: Buffer) => (got += chunk.toString()));
    secure.write(`GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    await waitFor(() => got.includes('502'), 5000, '502');
    expect(store.connections()[0]?.error).toMatch(/TLS certificate of .* rejected/);
  });
});

describe('blind tunnel', () => {
  it('relays TLS untouched without MITM and records the byte counts', async () => {
    const upstream = await httpsUpstream();
    const { store, proxy } = await testProxy(cleanups);
    const tunnel = await tunnelSocket(proxy.port, `localhost:${upstream.port}`);
    const secure = tls.connect({ socket: tunnel, servername: 'localhost', ca: upstreamCert.cert });
    let got = '';
    secure.on('data', (chunk: Buffer) => (got += chunk.toString()));
    secure.write('GET /events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await new Promise<void>((resolve) =>
      secure.once('close', () => {
        resolve();
      }),
    );
    expect(got).toContain('secret two');
    await waitFor(() => store.connections()[0]?.state === 'closed', 5000, 'closed');
    const record = store.connections()[0];
    expect(record).toMatchObject({
      method: 'CONNECT',
      kind: 'http',
      url: `https://localhost:${upstream.port}`,
    });
    expect(record?.bytesIn).toBeGreaterThan(100);
    expect(record?.bytesOut).toBeGreaterThan(100);
    // Nothing was decrypted.
    expect(store.connections()).toHaveLength(1);
  });
});
