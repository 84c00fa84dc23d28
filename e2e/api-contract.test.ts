import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { InspectorApi, ProxyState } from '../shared/api.ts';
import type { BreakpointState } from '../shared/model/replay.ts';
import type { Connection } from '../shared/model/connection.ts';
import type { EntryRow } from '../shared/model/wire.ts';
import { rowFlags } from '../shared/model/wire.ts';
import { localApi } from '../main/core/api/local-transport.ts';
import { InspectorService } from '../main/core/service.ts';
import { httpServer, listenLoopback, waitFor } from '../main/core/testing/loopback.ts';
import { startHeadlessServer } from '../main/server/server.ts';
import { connectWsApi } from '../renderer/src/transport/ws-client.ts';

// One contract suite, run against both transports: the in-process IPC-style adapter and the real
// headless server over a loopback WebSocket, driven by the renderer's own WebSocket client.
const rendererDir = join(import.meta.dirname, '../out/renderer');

let echoUrl = '';
let sseUrl = '';
let llmUrl = '';
const peers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  const server = httpServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    if (req.url === '/v1/chat/completions') {
      // An OpenAI-shaped token stream (no Cache-Control: the diagnostics notice).
      const chunk = (delta: object, finish: string | null): string =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(chunk({ content: 'Hel' }, null) + chunk({ content: 'lo' }, null) + chunk({}, 'stop'));
      return;
    }
    res.end('id: 1\nevent: tick\ndata: one\n\n');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    socket.on('message', (data, isBinary) => {
      if (request.url === '/rpc') {
        // A JSON-RPC 2.0 server: answers each request by id.
        const call = JSON.parse((data as Buffer).toString()) as { id: number; method: string };
        socket.send(
          JSON.stringify({ jsonrpc: '2.0', id: call.id, result: { echoed: call.method } }),
        );
        return;
      }
      socket.send(data, { binary: isBinary });
    });
  });
  const listening = await listenLoopback(server);
  peers.push({
    close: async () => {
      wss.close();
      await listening.close();
    },
  });
  echoUrl = `ws://127.0.0.1:${listening.port}/echo`;
  sseUrl = `http://127.0.0.1:${listening.port}/events`;
  llmUrl = `http://127.0.0.1:${listening.port}/v1/chat/completions`;
});
afterAll(async () => {
  for (const peer of peers) await peer.close();
});

interface Harness {
  api: InspectorApi;
  close(): Promise<void>;
}

const transports: [string, () => Promise<Harness>][] = [
  [
    'in-process IPC-style transport',
    async () => {
      const service = new InspectorService({
        version: 'test',
        host: 'test',
        batchIntervalMs: 5,
        caDir: await mkdtemp(join(tmpdir(), 'telltale-ca-')),
      });
      const local = localApi(service);
      return {
        api: local.api,
        close: async () => {
          local.close();
          await service.shutdown();
        },
      };
    },
  ],
  [
    'headless server WebSocket transport',
    async () => {
      const service = new InspectorService({
        version: 'test',
        host: 'server',
        batchIntervalMs: 5,
        caDir: await mkdtemp(join(tmpdir(), 'telltale-ca-')),
      });
      const server = await startHeadlessServer({ service, rendererDir, port: 0 });
      const client = connectWsApi(server.url.replace('http://', 'ws://').replace('/?', '/api?'));
      await client.ready;
      return {
        api: client.api,
        close: async () => {
          client.close();
          await service.shutdown();
          await server.close();
        },
      };
    },
  ],
];

describe.each(transports)('InspectorApi over the %s', (_name, make) => {
  let harness: Harness;
  let rows: EntryRow[];
  let connections: Connection[];
  beforeAll(async () => {
    harness = await make();
    harness.api.onEntries((batch) => rows.push(...batch));
    harness.api.onConnections((batch) => connections.push(...batch));
  });
  afterAll(async () => {
    await harness.close();
  });
  afterEach(async () => {
    await harness.api.clearSession();
  });
  beforeEach(() => {
    rows = [];
    connections = [];
  });

  it('says hello', async () => {
    expect(await harness.api.hello()).toMatchObject({ version: 'test' });
  });

  it('opens a WebSocket, sends text and binary, and streams rows and connection changes', async () => {
    const { api } = harness;
    const opened = await api.openConnection({ url: echoUrl, headers: [['X-Contract', '1']] });
    expect(opened).toMatchObject({ kind: 'ws', state: 'open', url: echoUrl });
    await api.sendMessage(opened.id, { kind: 'text', text: 'hello contract' });
    await api.sendMessage(opened.id, {
      kind: 'binary',
      base64: Buffer.from([1, 2, 3]).toString('base64'),
    });
    await waitFor(
      () =>
        rows.filter((r) => r.direction === 'in' && (r.kind === 'text' || r.kind === 'binary'))
          .length === 2,
    );
    const echoed = rows.find((r) => r.direction === 'in' && r.kind === 'text');
    expect(echoed?.preview).toBe('hello contract');
    const binary = rows.find((r) => r.direction === 'in' && r.kind === 'binary');
    expect(binary?.preview).toBe('01 02 03');

    const full = await api.getEntry(binary?.seq ?? 0);
    expect(full).toMatchObject({
      kind: 'binary',
      payload: 'AQID',
      payloadEncoding: 'base64',
      frame: { opcode: 2 },
    });
    expect(await api.getEntry(999_999)).toBeNull();

    const query = await api.queryEntries({
      connectionId: opened.id,
      kinds: ['text'],
      direction: 'in',
    });
    expect(query).toEqual({ seqs: [echoed?.seq], total: 1 });
    expect((await api.getRows(query.seqs))[0]).toEqual(echoed);
    // The filter language runs in main over full payloads.
    expect((await api.queryEntries({ filter: 'dir:in kind:text "hello contract"' })).seqs).toEqual([
      echoed?.seq,
    ]);
    expect((await api.queryEntries({ filter: 'kind:binary OR /^hello/', limit: 1 })).total).toBe(4);
    await expect(api.queryEntries({ filter: 'size>' })).rejects.toMatchObject({
      code: 'invalid-arguments',
    });

    const closed = await api.closeConnection(opened.id, 4001, 'bye');
    expect(closed).toMatchObject({ state: 'closed', closeCode: 4001, closeReason: 'bye' });
    await waitFor(() => connections.some((c) => c.id === opened.id && c.state === 'closed'));
    expect((await api.listConnections()).map((c) => c.id)).toEqual([opened.id]);
  });

  it('opens an SSE stream', async () => {
    const opened = await harness.api.openConnection({ url: sseUrl, reconnect: false });
    expect(opened).toMatchObject({ kind: 'sse' });
    await waitFor(() => rows.some((r) => r.kind === 'event'));
    const event = rows.find((r) => r.kind === 'event');
    expect(await harness.api.getEntry(event?.seq ?? 0)).toMatchObject({
      payload: 'one',
      sse: { event: 'tick', lastEventId: '1' },
    });
  });

  it('reports a failed connection in its record, and refuses to send on it', async () => {
    const failed = await harness.api.openConnection({ url: 'ws://127.0.0.1:1/' });
    expect(failed).toMatchObject({ state: 'failed', error: 'connection refused by 127.0.0.1:1' });
    await expect(
      harness.api.sendMessage(failed.id, { kind: 'text', text: 'x' }),
    ).rejects.toMatchObject({
      code: 'failed',
      message: `cannot send: connection ${failed.id} is failed`,
    });
    await expect(
      harness.api.sendMessage('nope', { kind: 'text', text: 'x' }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('rejects invalid arguments with a clear error, changing nothing', async () => {
    const api = harness.api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await expect(api['openConnection']?.({ url: 42 })).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    await expect(api['getEntry']?.(-1)).rejects.toMatchObject({ code: 'invalid-arguments' });
    await expect(api['openConnection']?.({ url: 'ws://x/', extra: true })).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    await expect(harness.api.openConnection({ url: 'ftp://x/' })).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    expect(await harness.api.listConnections()).toEqual([]);
  });

  it('keeps settings and announces changes', async () => {
    const seen: unknown[] = [];
    const off = harness.api.onSettings((s) => seen.push(s));
    expect(await harness.api.getSettings()).toEqual({ theme: 'system', timeDisplay: 'absolute' });
    expect(await harness.api.updateSettings({ theme: 'dark' })).toEqual({
      theme: 'dark',
      timeDisplay: 'absolute',
    });
    await waitFor(() => seen.length === 1);
    off();
  });

  it('exports the session as HAR and NDJSON, redacted, and imports it back', async () => {
    const opened = await harness.api.openConnection({
      url: echoUrl,
      headers: [['Authorization', 'Bearer t0ken']],
    });
    await harness.api.sendMessage(opened.id, { kind: 'text', text: 'keep me' });
    await waitFor(() => rows.some((r) => r.direction === 'in' && r.kind === 'text'));
    await harness.api.closeConnection(opened.id);

    const har = await harness.api.exportSession({ format: 'har' });
    expect(har.fileName).toMatch(/\.har$/);
    expect(har.text).not.toContain('t0ken');
    expect(har.text).toContain('keep me');
    const ndjson = await harness.api.exportSession({
      format: 'ndjson',
      redact: false,
      filter: 'dir:in',
    });
    expect(ndjson.text).toContain('t0ken');
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; direction?: string });
    expect(lines.filter((l) => l.type === 'entry').every((l) => l.direction === 'in')).toBe(true);

    const imported = await harness.api.importSession(har);
    expect(imported.info.connections).toBe(1);
    const [connection] = await harness.api.listConnections();
    expect(connection).toMatchObject({ source: 'import', url: echoUrl });
    const texts = await harness.api.queryEntries({ kinds: ['text'] });
    expect(texts.total).toBe(2);

    await expect(
      harness.api.importSession({ fileName: 'junk.har', text: '{"not":"a har"' }),
    ).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    // A failed import leaves the open session as it was.
    expect((await harness.api.sessionInfo()).connections).toBe(1);
    expect(await harness.api.listSavedSessions()).toEqual([]);
  });

  it('runs the proxy on command, records what passes through it, and hands out the CA', async () => {
    const states: ProxyState[] = [];
    const off = harness.api.onProxyState((state) => states.push(state));
    expect(await harness.api.getProxyState()).toMatchObject({ running: false });
    const started = await harness.api.startProxy({ port: 0, mitm: true });
    expect(started).toMatchObject({ running: true, settings: { port: 0, mitm: true } });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.ca?.spkiSha256).toMatch(/^[A-Za-z0-9+/]+=*$/);

    // An SSE request through the forward proxy (absolute-URI form) is recorded as a proxied stream.
    const proxyPort = Number(new URL(started.url ?? '').port);
    const body = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(proxyPort, '127.0.0.1', () => {
        socket.write(`GET ${sseUrl} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => {
        resolve(text);
      });
      socket.on('error', reject);
    });
    expect(body).toContain('data: one');
    await waitFor(() => rows.some((r) => r.kind === 'event'));
    const [proxied] = await harness.api.listConnections();
    expect(proxied).toMatchObject({ kind: 'sse', source: 'proxy', url: sseUrl });

    const ca = await harness.api.getCaCertificate();
    expect(ca.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(ca.spkiSha256).toBe(started.ca?.spkiSha256);
    await expect(harness.api.startProxy({ port: 0, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    expect(await harness.api.stopProxy()).toMatchObject({ running: false });
    await waitFor(() => states.length >= 2);
    expect(states.map((s) => s.running)).toEqual([true, false]);
    off();
  });

  it('assembles LLM streams and reports diagnostics findings, live', async () => {
    const summaries: unknown[] = [];
    const findings: unknown[] = [];
    const offLlm = harness.api.onLlm((batch) => summaries.push(...batch));
    const offFindings = harness.api.onFindings((list) => findings.push(list));
    const opened = await harness.api.openConnection({
      url: llmUrl,
      method: 'POST',
      body: JSON.stringify({
        model: 'gpt-test',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      reconnect: false,
    });
    await waitFor(
      () => rows.filter((r) => r.kind === 'event').length === 3,
      3000,
      JSON.stringify(rows),
    );
    const [summary] = await harness.api.listLlmSummaries();
    expect(summary).toMatchObject({
      connectionId: opened.id,
      flavor: 'openai-chat',
      text: 'Hello',
      stopReason: 'stop',
    });
    await waitFor(() => summaries.length > 0);
    // The stream sends no Cache-Control: the diagnostics say so.
    expect((await harness.api.listFindings()).map((f) => f.rule)).toContain('sse.no-cache-control');
    await waitFor(() => findings.length > 0);
    expect(
      await harness.api.setLlmMode(opened.id, {
        flavor: 'generic',
        textPath: '$.choices[0].delta.content',
      }),
    ).toMatchObject({
      flavor: 'generic',
    });
    await expect(harness.api.setLlmMode('nope', null)).rejects.toMatchObject({ code: 'not-found' });
    offLlm();
    offFindings();
  });

  it('injects into a proxied WebSocket, pauses and edits at a breakpoint, resends, replays and mocks', async () => {
    const { api } = harness;
    const proxy = await api.startProxy({ port: 0, target: new URL(echoUrl).origin });
    const through = `ws://127.0.0.1:${new URL(proxy.url ?? '').port}/echo`;
    const client = new WebSocket(through);
    const received: string[] = [];
    client.on('message', (data: Buffer) => received.push(data.toString()));
    await new Promise((resolve) => client.once('open', resolve));
    client.send('hello');
    await waitFor(() => received.includes('hello'));
    const [proxied] = (await api.listConnections()).filter((c) => c.source === 'proxy');
    expect(proxied).toMatchObject({ kind: 'ws' });
    const id = proxied?.id ?? '';

    // Injection: toward the client, and toward the server (which echoes it back).
    await api.injectMessage(id, 'in', { kind: 'text', text: 'from telltale' });
    await api.injectMessage(id, 'out', { kind: 'text', text: 'echo this' });
    await waitFor(() => received.includes('from telltale') && received.includes('echo this'));
    const injected = (await api.queryEntries({ connectionId: id, kinds: ['text'] })).seqs;
    const interventions = await Promise.all(
      injected.map(async (seq) => (await api.getEntry(seq))?.intervention),
    );
    expect(interventions.filter((i) => i === 'injected')).toHaveLength(2);
    const injectedRows = (await api.getRows(injected)).filter(
      (r) => (r.flags & rowFlags.injected) !== 0,
    );
    expect(injectedRows).toHaveLength(2);

    // A breakpoint pauses the client's message; forwarded edited, the server echoes the edit.
    const states: BreakpointState[] = [];
    const off = api.onBreakpoints((state) => states.push(state));
    await api.setBreakpointRules([{ id: 'hold', filter: '"pause me"', action: 'pause' }]);
    client.send('pause me');
    await waitFor(() => states.some((state) => state.paused.length === 1));
    const paused = (await api.getBreakpoints()).paused[0];
    expect(paused).toMatchObject({
      connectionId: id,
      direction: 'out',
      payload: 'pause me',
      ruleId: 'hold',
    });
    await api.resolvePaused(paused?.id ?? '', 'forward', { kind: 'text', text: 'edited!' });
    await waitFor(() => received.includes('edited!'));
    expect(received).not.toContain('pause me');
    await expect(api.resolvePaused(paused?.id ?? '', 'drop')).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(
      api.setBreakpointRules([{ id: 'bad', filter: 'size>', action: 'drop' }]),
    ).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    await api.setBreakpointRules([]);
    off();

    // Resend the client's first message on its open connection (through the proxy).
    const firstOut = (
      await api.queryEntries({ connectionId: id, direction: 'out', kinds: ['text'], limit: 1 })
    ).seqs[0];
    // An omitted optional argument passed as undefined travels as omitted on both transports.
    await api.resendEntry(firstOut ?? 0, undefined);
    await waitFor(() => received.filter((m) => m === 'hello').length === 2);

    // Replay the recorded conversation as fast as possible against the same server.
    const replay = await api.replayConnection({ connectionId: id, mode: 'fast' });
    expect(replay.replayOf).toBe(id);
    expect(replay.sent).toBeGreaterThanOrEqual(2);
    expect((await api.listConnections()).find((c) => c.id === replay.connectionId)).toMatchObject({
      source: 'replay',
      replayOf: id,
    });

    // A mock server plays the server's recorded side to a new client.
    const mock = await api.startMock(id, { mode: 'timed' });
    expect(await api.listMocks()).toEqual([mock]);
    const mocked: string[] = [];
    const mockClient = new WebSocket(mock.url);
    mockClient.on('message', (data: Buffer) => mocked.push(data.toString()));
    await waitFor(() => mocked.includes('hello'));
    mockClient.terminate();
    expect(await api.stopMock(mock.id)).toEqual([]);
    client.close();
    await api.stopProxy();
  });

  it('reads JSON-RPC in its own words: requests paired with answers, the unanswered listed', async () => {
    const changed: string[][] = [];
    const off = harness.api.onProtocols((ids) => changed.push(ids));
    const rpc = await harness.api.openConnection({ url: echoUrl.replace('/echo', '/rpc') });
    for (const [id, method] of [
      [1, 'tools/list'],
      [2, 'tools/call'],
    ] as const) {
      await harness.api.sendMessage(rpc.id, {
        kind: 'text',
        text: JSON.stringify({ jsonrpc: '2.0', id, method }),
      });
    }
    await waitFor(() => rows.filter((r) => r.direction === 'in' && r.kind === 'text').length === 2);
    await waitFor(() => changed.length > 0);
    const overview = await harness.api.getProtocols();
    expect(overview.channels).toHaveLength(1);
    expect(overview.channels[0]).toMatchObject({ protocol: 'jsonrpc' });
    expect(overview.unanswered).toEqual([]);
    const request = rows.find((r) => r.direction === 'out' && r.kind === 'text');
    const detail = await harness.api.getProtocolDetail(request?.seq ?? 0);
    expect(detail?.annotation.messages[0]).toMatchObject({ protocol: 'jsonrpc' });
    expect(detail?.pairs).toHaveLength(1);
    expect(detail?.trees[0]).toMatchObject({ method: 'tools/list' });
    const called = rows.find((r) => r.direction === 'out' && r.preview.includes('tools/call'));
    // Protocol terms match the message carrying the field: the request, not its answer.
    expect(await harness.api.queryEntries({ filter: 'rpc.method:tools/call' })).toEqual({
      seqs: [called?.seq],
      total: 1,
    });
    // A filtered export reads protocol terms the same way.
    const exported = await harness.api.exportSession({
      format: 'ndjson',
      filter: 'rpc.method:tools/call',
    });
    const exportedEntries = exported.text
      .split('\n')
      .filter((line) => line.startsWith('{"type":"entry"'));
    expect(exportedEntries).toHaveLength(1);
    expect(exportedEntries[0]).toContain('tools/call');
    expect(await harness.api.getProtocolDetail(999_999)).toBeNull();
    // The per-channel tables' source: the channel's messages with their pairs, newest last.
    const channelId = overview.channels[0]?.id ?? '';
    const messages = await harness.api.getChannelMessages(channelId);
    expect(messages?.total).toBe(4);
    expect(messages?.annotations.map((a) => a.direction).sort()).toEqual([
      'in',
      'in',
      'out',
      'out',
    ]);
    expect(messages?.pairs).toHaveLength(2);
    const newest = await harness.api.getChannelMessages(channelId, 1);
    expect(newest?.annotations.map((a) => a.seq)).toEqual([messages?.annotations.at(-1)?.seq]);
    expect(newest?.total).toBe(4);
    expect(await harness.api.getChannelMessages('no-such-channel')).toBeNull();
    await expect(harness.api.getChannelMessages(channelId, 0)).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    const raw = await harness.api.setProtocol(rpc.id, 'raw');
    expect(raw.channels).toEqual([]);
    // The choice is the connection's: the session file keeps it.
    const saved = await harness.api.exportSession({ format: 'ndjson' });
    const line = saved.text
      .split('\n')
      .find((l) => l.includes(`"id":"${rpc.id}"`) && l.startsWith('{"type":"connection"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ protocolChoice: null });
    expect((await harness.api.setProtocol(rpc.id, 'auto')).channels).toHaveLength(1);
    await expect(harness.api.setProtocol(rpc.id, 'cobol' as 'auto')).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
    off();
  });

  it('clears the session, announcing the reset', async () => {
    const resets: unknown[] = [];
    const off = harness.api.onSessionReset((info) => resets.push(info));
    await harness.api.openConnection({ url: echoUrl });
    expect((await harness.api.sessionInfo()).connections).toBe(1);
    await harness.api.clearSession();
    await waitFor(() => resets.length === 1);
    expect(resets[0]).toEqual({ connections: 0, entries: 0, lastSeq: 0 });
    expect(await harness.api.listConnections()).toEqual([]);
    off();
  });
});
