import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import { closedPort, httpServer, listenLoopback, waitFor } from '../core/testing/loopback.ts';
import { rawWsServer } from '../core/testing/raw-ws-server.ts';

// The real command, run as users run it: a child process on the same Node.
const bin = join(import.meta.dirname, '../../bin/telltale.js');

interface Run {
  lines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
  code: number | null;
}

function telltale(args: string[]): {
  child: ReturnType<typeof spawn>;
  result: Promise<Run>;
  lines: () => Record<string, unknown>[];
} {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const parse = (): Record<string, unknown>[] =>
    stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const result = new Promise<Run>((resolve) => {
    child.on('close', (code) => {
      resolve({ lines: parse(), stdout, stderr, code });
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  void result.then(() => {
    clearTimeout(timer);
  });
  return { child, result, lines: parse };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wsServer(onConnection: (socket: ServerSocket) => void): Promise<string> {
  const server = httpServer((_req, res) => res.writeHead(404).end('no such thing'));
  const wss = new WebSocketServer({ server });
  wss.on('connection', onConnection);
  const listening = await listenLoopback(server);
  cleanups.push(async () => {
    wss.close();
    await listening.close();
  });
  return `ws://127.0.0.1:${listening.port}/`;
}

async function readSession(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('telltale connect', () => {
  it('sends, prints every entry as a JSON line, and ends when the server closes', async () => {
    const url = await wsServer((socket) => {
      let count = 0;
      socket.on('message', (data, isBinary) => {
        socket.send(data, { binary: isBinary });
        count += 1;
        if (count === 2) socket.close(1000, 'enough');
      });
    });
    const dir = await mkdtemp(join(tmpdir(), 'telltale-'));
    const save = join(dir, 'run.ndjson');
    const run = await telltale([
      'connect',
      url,
      '--send',
      'hi',
      '--send-binary',
      'deadbeef',
      '--save',
      save,
    ]).result;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const entries = run.lines.filter((l) => l['type'] === 'entry' && l['kind'] !== 'lifecycle');
    expect(entries.map((e) => `${String(e['direction'])}:${String(e['kind'])}`)).toEqual([
      'out:text',
      'out:binary',
      'in:text',
      'in:binary',
      'in:close',
      'out:close',
    ]);
    expect(entries[0]?.['payload']).toBe('hi');
    expect(entries[3]?.['payload']).toBe(Buffer.from('deadbeef', 'hex').toString('base64'));
    expect(entries[3]?.['payloadEncoding']).toBe('base64');
    const connections = run.lines.filter((l) => l['type'] === 'connection');
    expect(connections.at(-1)).toMatchObject({
      state: 'closed',
      closeCode: 1000,
      closeReason: 'enough',
    });

    const saved = await readSession(save);
    expect(saved[0]).toMatchObject({ type: 'telltale', version: 1 });
    const savedEntries = saved.filter((l) => l['type'] === 'entry');
    expect(savedEntries.length).toBe(run.lines.filter((l) => l['type'] === 'entry').length);
    expect(saved.filter((l) => l['type'] === 'connection').at(-1)).toMatchObject({
      state: 'closed',
    });
  });

  it('stops after --for seconds (decimals allowed), closing with 1000', async () => {
    let closeCode = 0;
    const url = await wsServer((socket) => {
      socket.on('close', (code) => (closeCode = code));
    });
    const run = await telltale(['connect', url, '--for', '0.3']).result;
    expect(run.code).toBe(0);
    expect(closeCode).toBe(1000);
    expect(run.lines.filter((l) => l['type'] === 'connection').at(-1)).toMatchObject({
      state: 'closed',
      closeInitiator: 'out',
    });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'ends cleanly on %s, repeated, with the save complete',
    async (signal) => {
      const url = await wsServer((socket) => {
        socket.send('ready');
      });
      const dir = await mkdtemp(join(tmpdir(), 'telltale-'));
      const save = join(dir, 'signal.ndjson');
      const running = telltale(['connect', url, '--save', save]);
      await waitFor(
        () => running.lines().some((l) => l['payload'] === 'ready'),
        10_000,
        'the first message',
      );
      running.child.kill(signal);
      running.child.kill(signal);
      const run = await running.result;
      expect(run.code).toBe(0);
      const saved = await readSession(save);
      expect(saved.some((l) => l['payload'] === 'ready')).toBe(true);
      expect(saved.filter((l) => l['type'] === 'connection').at(-1)).toMatchObject({
        state: 'closed',
        closeCode: 1000,
      });
    },
  );

  it('ends by itself when the stream turns invalid, leaving a complete save', async () => {
    const listening = await listenLoopback(
      rawWsServer((socket) => {
        socket.write(Buffer.from([0x81, 0x02, 0x6f, 0x6b])); // "ok"
        socket.write(Buffer.from([0x83, 0x00])); // reserved opcode 3
      }),
    );
    cleanups.push(() => listening.close());
    const dir = await mkdtemp(join(tmpdir(), 'telltale-'));
    const save = join(dir, 'invalid.ndjson');
    const run = await telltale(['connect', `ws://127.0.0.1:${listening.port}/`, '--save', save])
      .result;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^telltale: .*opcode/);
    const saved = await readSession(save);
    const entries = saved.filter((l) => l['type'] === 'entry' && l['kind'] !== 'lifecycle');
    expect(entries[0]).toMatchObject({ direction: 'in', kind: 'text', payload: 'ok' });
    expect(entries[1]).toMatchObject({ direction: 'in', kind: 'error' });
    expect(JSON.stringify(entries[1]?.['notes'])).toContain('ws.reserved-opcode');
    expect(entries.some((e) => e['direction'] === 'out' && e['kind'] === 'close')).toBe(true);
    expect(saved.filter((l) => l['type'] === 'connection').at(-1)).toMatchObject({
      state: 'failed',
    });
  });

  it('saves a redacted HAR with --save FILE.har, and exports the journal both ways', async () => {
    const url = await wsServer((socket) => {
      socket.send('hello har', () => {
        socket.close(1000, 'done');
      });
    });
    const dir = await mkdtemp(join(tmpdir(), 'telltale-'));
    const har = join(dir, 'run.har');
    const journal = join(dir, 'run.ndjson');
    const secret = ['-H', 'Authorization: Bearer s3cret'];
    expect((await telltale(['connect', url, ...secret, '--save', har]).result).code).toBe(0);
    expect((await telltale(['connect', url, ...secret, '--save', journal]).result).code).toBe(0);
    const saved = await readFile(har, 'utf8');
    expect(saved).not.toContain('s3cret');
    const log = (
      JSON.parse(saved) as {
        log: { entries: { _resourceType: string; _webSocketMessages: { data: string }[] }[] };
      }
    ).log;
    expect(log.entries[0]?._resourceType).toBe('websocket');
    expect(log.entries[0]?._webSocketMessages.map((m) => m.data)).toContain('hello har');
    // The journal keeps everything; an export for sharing redacts unless told not to.
    expect(await readFile(journal, 'utf8')).toContain('s3cret');
    const exported = join(dir, 'shared.har');
    const run = await telltale(['export', journal, '--to', exported]).result;
    expect(run.code).toBe(0);
    expect(await readFile(exported, 'utf8')).not.toContain('s3cret');
    const kept = join(dir, 'kept.ndjson');
    expect((await telltale(['export', exported, '--to', kept, '--no-redact']).result).code).toBe(0);
    expect(await readFile(kept, 'utf8')).toContain('hello har');
    const bad = await telltale(['export', join(dir, 'missing.ndjson'), '--to', join(dir, 'x.har')])
      .result;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^telltale: /);
  });

  it('exits 2 with one clear line on a usage error', async () => {
    for (const args of [
      ['connect', 'ws://x/', '--save', 'run.txt'],
      ['connect'],
      ['connect', 'not a url'],
      ['connect', 'ftp://x/'],
      ['connect', 'ws://x/', '--for', 'soon'],
      ['frobnicate'],
    ]) {
      const run = await telltale(args).result;
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n')[0], args.join(' ')).toMatch(/^telltale: /);
      expect(run.stdout).toBe('');
    }
  });

  it('exits 1 with one clear line when the connection is refused or the handshake fails', async () => {
    const port = await closedPort();
    const refused = await telltale(['connect', `ws://127.0.0.1:${port}/`]).result;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`telltale: connection refused by 127.0.0.1:${port}\n`);

    const url = await wsServer(() => undefined);
    const notFound = await telltale([
      'connect',
      url.replace('ws://', 'http://') + 'x',
      '--no-reconnect',
    ]).result;
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toBe(
      'telltale: HTTP 404: expected 200 with Content-Type text/event-stream\n',
    );
  });

  it('streams SSE events as lines and saves them', async () => {
    const listening = await listenLoopback(
      httpServer((_req, res) => {
        res
          .writeHead(200, { 'Content-Type': 'text/event-stream' })
          .end('id: 1\ndata: one\n\ndata: two\n\n');
      }),
    );
    cleanups.push(() => listening.close());
    const run = await telltale(['connect', `http://127.0.0.1:${listening.port}/`, '--no-reconnect'])
      .result;
    expect(run.code).toBe(0);
    const events = run.lines.filter((l) => l['kind'] === 'event');
    expect(events.map((e) => e['payload'])).toEqual(['one', 'two']);
    expect(events[1]?.['sse']).toMatchObject({ lastEventId: '1' });
  });
});
