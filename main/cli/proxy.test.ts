import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenLoopback, waitFor } from '../core/testing/loopback.ts';
import { parseProxyArgs } from './proxy.ts';
import { UsageError } from './usage.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs a CLI command in its own process, as `telltale` would (index.ts is wired by the lead). */
function run(
  module: 'proxy' | 'ca',
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const fn = module === 'proxy' ? 'runProxy' : 'runCa';
  const code = `const m = await import(${JSON.stringify(new URL(`./${module}.ts`, import.meta.url).href)}); process.exitCode = await m.${fn}(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, '--', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (c) => {
      resolve(c);
    }),
  );
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  return { child, out: () => out, err: () => err, exit };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-cli-proxy-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe('telltale proxy', () => {
  it('prints where it listens, streams entries as NDJSON, and saves on SIGTERM', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('data: through the cli\n\n');
    });
    const upstream = await listenLoopback(server);
    cleanups.push(() => upstream.close());
    const dir = tempDir();
    const save = join(dir, 'session.ndjson');
    const proxy = run('proxy', ['--port', '0', '--json', '--save', save], {
      TELLTALE_DATA_DIR: dir,
    });
    await waitFor(() => proxy.out().includes('\n'), 10_000, 'listening line');
    const listening = JSON.parse(proxy.out().split('\n')[0] ?? '') as { type: string; url: string };
    expect(listening.type).toBe('listening');
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // stderr is another pipe: its lines may land after stdout's.
    await waitFor(() => proxy.err().includes('HTTP_PROXY='), 10_000, 'setup instructions');

    const port = Number(new URL(listening.url).port);
    const socket = net.connect(port, '127.0.0.1');
    socket.write(
      `GET http://127.0.0.1:${upstream.port}/s HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`,
    );
    socket.resume();
    await waitFor(() => proxy.out().includes('through the cli'), 10_000, 'event line');
    proxy.child.kill('SIGTERM');
    expect(await proxy.exit).toBe(0);
    const saved = readFileSync(save, 'utf8');
    expect(saved).toContain('"through the cli"');
    expect(saved.split('\n')[0]).toContain('"telltale"');
  });

  it('with --mitm makes the CA in the data folder and tells how to trust it', async () => {
    const dir = tempDir();
    const proxy = run('proxy', ['--port', '0', '--mitm'], { TELLTALE_DATA_DIR: dir });
    await waitFor(() => proxy.err().includes('spki-list'), 10_000, 'instructions');
    expect(proxy.out()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(proxy.err()).toContain(join(dir, 'telltale-ca.pem'));
    proxy.child.kill('SIGINT');
    expect(await proxy.exit).toBe(0);
  });

  it('without --save spills payloads to a private file, removed when it ends', async () => {
    const tmp = tempDir();
    const proxy = run('proxy', ['--port', '0'], { TELLTALE_DATA_DIR: tempDir(), TMPDIR: tmp });
    await waitFor(() => proxy.out().includes('\n'), 10_000, 'listening line');
    expect(readdirSync(tmp).filter((name) => name.startsWith('telltale-spill-'))).toHaveLength(1);
    proxy.child.kill('SIGTERM');
    expect(await proxy.exit).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('exits 1 when the port is taken', async () => {
    const taken = await listenLoopback(net.createServer());
    cleanups.push(() => taken.close());
    const proxy = run('proxy', ['--port', String(taken.port)], { TELLTALE_DATA_DIR: tempDir() });
    expect(await proxy.exit).toBe(1);
    expect(proxy.err()).toMatch(/EADDRINUSE/);
  });

  it('refuses bad arguments as usage errors', () => {
    expect(() => parseProxyArgs(['--port', 'x'])).toThrow(UsageError);
    expect(() => parseProxyArgs(['--target', 'ftp://x'])).toThrow(UsageError);
    expect(() => parseProxyArgs(['--target', 'http://x', '--mitm'])).toThrow(UsageError);
    expect(() => parseProxyArgs(['--save', 'x.txt'])).toThrow(UsageError);
    expect(parseProxyArgs(['--save', 'x.har'])).toMatchObject({ save: 'x.har', redact: true });
    expect(parseProxyArgs([])).toMatchObject({ port: 8080, host: '127.0.0.1', mitm: false });
  });

  it('reads --max-body sizes', () => {
    expect(parseProxyArgs([]).maxBodyBytes).toBe(1024 * 1024);
    expect(parseProxyArgs(['--max-body', '64k']).maxBodyBytes).toBe(65536);
    expect(parseProxyArgs(['--max-body', '4M']).maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(parseProxyArgs(['--max-body', '0']).maxBodyBytes).toBe(0);
    expect(() => parseProxyArgs(['--max-body', '1g'])).toThrow(/--max-body 1g/);
    expect(() => parseProxyArgs(['--max-body', '-1'])).toThrow(UsageError);
  });
});

describe('telltale ca', () => {
  it('prints the certificate path and exports the PEM', async () => {
    const dir = tempDir();
    const shown = run('ca', [], { TELLTALE_DATA_DIR: dir });
    expect(await shown.exit).toBe(0);
    expect(shown.out()).toBe(join(dir, 'telltale-ca.pem') + '\n');
    const exported = run('ca', ['--export', '-'], { TELLTALE_DATA_DIR: dir });
    expect(await exported.exit).toBe(0);
    expect(exported.out()).toBe(readFileSync(join(dir, 'telltale-ca.pem'), 'utf8'));
    expect(exported.out()).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
