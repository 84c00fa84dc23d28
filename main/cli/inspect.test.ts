import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  allEnded,
  proxiedStreams,
  readStream,
  type Cleanup,
} from '../core/diagnostics/test-support.ts';
import { openAiChatBlocks, sseBlock } from '../core/llm/test-wire.ts';
import { inn, out, sessionWith, testConnection } from '../core/protocol/dissect/test-support.ts';
import { writeNdjsonFile } from '../core/session/ndjson-export.ts';
import { runInspect, type InspectReport } from './inspect.ts';
import { UsageError } from './usage.ts';

const cleanups: Cleanup[] = [];
let dir = '';
let llmSession = '';
let brokenSession = '';
let protocolSession = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-inspect-'));
  llmSession = join(dir, 'llm.ndjson');
  brokenSession = join(dir, 'broken.ndjson');
  {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: openAiChatBlocks(),
    }));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    await client.chat.completions
      .stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .finalChatCompletion();
    await allEnded(store);
    await writeNdjsonFile(llmSession, store, { redact: false });
  }
  {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: [sseBlock({ id: '1', data: 'x' })],
      headers: { 'Content-Type': 'text/plain' },
    }));
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    await writeNdjsonFile(brokenSession, store, { redact: false });
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  protocolSession = join(dir, 'protocols.ndjson');
  {
    const store = sessionWith(
      testConnection('sio', { url: 'ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket' }),
      [
        inn('0{"sid":"S1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}', 1),
        out('40', 2),
        inn('40{"sid":"N1"}', 4),
        out('423["chat","hi"]', 10),
        inn('433["ok"]', 35),
        out('42["typing"]', 40),
      ],
    );
    sessionWith(
      testConnection('rpc', { protocol: 'jsonrpc', openedAt: 2000 }),
      [
        out(
          '[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/call"}]',
          1,
        ),
        inn('{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}', 51),
        inn('{"jsonrpc":"2.0","id":7,"error":"bad"}', 60),
      ],
      store,
    );
    await writeNdjsonFile(protocolSession, store, { redact: false });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function run(...argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: string | Uint8Array, cb?: unknown) => {
      stdout += String(chunk);
      if (typeof cb === 'function') (cb as () => void)();
      return true;
    },
  );
  try {
    const code = await runInspect(argv);
    return { code, stderr, stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('telltale inspect', () => {
  it('--json: the LLM answer and the findings per connection, in the documented document', async () => {
    const result = await run(llmSession, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as InspectReport;
    expect(report).toMatchObject({
      format: 'telltale-inspect',
      version: 1,
      summary: { connections: 1, llmAnswers: 1, findings: { error: 0, warning: 0, info: 2 } },
    });
    const [connection] = report.connections;
    expect(connection?.llm).toMatchObject({
      flavor: 'openai-chat',
      text: 'Let me check the weather — and the time.',
      stopReason: 'tool_calls',
      ending: 'complete',
      usage: { inputTokens: 42, outputTokens: 17, totalTokens: 59 },
    });
    expect(connection?.llm?.toolCalls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    expect(connection?.findings.map((f) => f.rule)).toEqual(['sse.no-event-id', 'sse.no-retry']);
    expect(result.stderr).toBe(
      'telltale: 1 connection, 1 LLM answer; findings: 0 error, 0 warning, 2 info\n',
    );
  });

  it('text: a readable summary; --diagnose passes on info findings', async () => {
    const result = await run(llmSession, '--diagnose');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'LLM openai-chat · gpt-4o-2024-08-06 · complete · stop: tool_calls',
    );
    expect(result.stdout).toContain('text: "Let me check the weather — and the time."');
    expect(result.stdout).toContain('tool call get_weather (call_w): {"location": "Paris"}');
    expect(result.stdout).toContain('usage: in 42 · out 17 · total 59');
    expect(result.stdout).toMatch(
      /timing: TTFT [\d.]+ ms · total [\d.]+ ms · [\d.]+ tok\/s \(from usage\) · 8 deltas/,
    );
    expect(result.stdout).toContain('INFO sse.no-event-id');
  });

  it('--diagnose exits 1 on an error finding and prints it with its evidence and fix', async () => {
    const result = await run(brokenSession, '--diagnose');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /ERROR sse\.content-type: The request asked for text\/event-stream but the 200 response is "text\/plain"\./,
    );
    expect(result.stdout).toContain('    Content-Type: text/plain');
    expect(result.stdout).toContain('    fix: Serve the stream with');
    // Without --diagnose the same findings exit 0.
    expect((await run(brokenSession)).code).toBe(0);
  });

  it('--json: a protocols section per channel with messages, pairs, unanswered and malformed', async () => {
    const result = await run(protocolSession, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as InspectReport;
    expect(report.summary).toMatchObject({
      connections: 2,
      protocolChannels: 2,
      protocolMessages: 10,
      pairs: 3,
      unanswered: 1,
      malformed: 1,
    });
    expect(report.connections.map((c) => [c.id, c.protocol, c.channel])).toEqual([
      ['sio', 'socketio', 'eio:S1'],
      ['rpc', 'jsonrpc', 'rpc'],
    ]);
    const [sio, rpc] = report.protocols;
    expect(sio).toMatchObject({ protocol: 'socketio', chosenBy: 'url', connectionIds: ['sio'] });
    expect(sio?.messages.map((m) => m.summary)).toEqual([
      'open sid S1',
      'CONNECT /',
      'CONNECT / sid N1',
      'EVENT chat #3 ["hi"]',
      'ACK #3 ["ok"]',
      'EVENT typing []',
    ]);
    expect(sio?.messages[3]).toMatchObject({
      seq: 4,
      index: 0,
      direction: 'out',
      kind: 'EVENT',
      fields: { event: 'chat', ackId: 3, ns: '/' },
    });
    expect(sio?.pairs).toEqual([
      {
        kind: 'connect',
        key: '/',
        request: { seq: 2, index: 0 },
        answer: { seq: 3, index: 0 },
        latencyMs: 2,
      },
      {
        kind: 'ack',
        key: '/#3',
        request: { seq: 4, index: 0 },
        answer: { seq: 5, index: 0 },
        latencyMs: 25,
      },
    ]);
    expect(rpc?.pairs).toEqual([
      {
        kind: 'call',
        key: '1',
        request: { seq: 7, index: 0 },
        answer: { seq: 8, index: 0 },
        latencyMs: 50,
      },
    ]);
    expect(rpc?.unanswered).toEqual([{ kind: 'call', key: '2', seq: 7, index: 1 }]);
    expect(rpc?.malformed).toEqual([
      {
        seq: 9,
        index: 0,
        code: 'jsonrpc.bad-error',
        message: 'error must be an object with a numeric code and a message',
      },
    ]);
    expect(report.protocolFallbacks).toEqual([]);
    expect(result.stderr).toContain(
      '; protocols: 2 channels, 10 messages, 3 paired, 1 unanswered, 1 malformed',
    );
  });

  it('text: the protocol messages, pairs with latency, unanswered and malformed', async () => {
    const result = await run(protocolSession);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('socketio channel eio:S1 (chosen by url) on #1');
    expect(result.stdout).toContain('6 messages · 2 paired · 0 unanswered · 0 malformed');
    expect(result.stdout).toContain('     4 out EVENT chat #3 ["hi"]');
    expect(result.stdout).toContain('    ack /#3: seq 4 → seq 5 in 25 ms');
    expect(result.stdout).toContain('     7.1 out → tools/call #2');
    expect(result.stdout).toContain('  UNANSWERED call 2 at seq 7.1');
    expect(result.stdout).toContain('  MALFORMED at seq 9: jsonrpc.bad-error');
  });

  it('usage errors and unreadable files', async () => {
    await expect(run()).rejects.toThrow(UsageError);
    await expect(run('a.ndjson', 'b.ndjson')).rejects.toThrow(/one file/);
    await expect(run(llmSession, '--bogus')).rejects.toThrow(UsageError);
    const missing = await run(join(dir, 'missing.ndjson'));
    expect(missing.code).toBe(2);
    const wrongType = await run(join(dir, 'notes.txt'));
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toMatch(/unsupported file type/);
  });
});
