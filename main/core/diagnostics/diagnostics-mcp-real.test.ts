/**
 * The JSON-RPC and MCP rules live, against the real `@modelcontextprotocol/sdk` server behind the
 * real proxy on loopback (Streamable HTTP; answers as JSON on /mcp-json, as event streams on
 * /mcp): the SDK client used as intended triggers none of them; a tool that never returns leaves
 * its call unanswered; a hand-made client that forgets `Mcp-Session-Id` after initialize gets
 * the server's 400 and the finding.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import { startProxy } from '../proxy/proxy-server.ts';
import { SessionStore } from '../session/store.ts';
import { waitFor } from '../testing/loopback.ts';
import { mcpUpstream } from '../protocol/jsonrpc/mcp-test-upstream.ts';
import { LiveDiagnostics } from './live.ts';
import type { Cleanup } from './test-support.ts';
import type { Finding } from './types.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Rules that read the application protocol (the stream rules are tested elsewhere). */
const protocolRules = (findings: Finding[]) =>
  findings.map((f) => f.rule).filter((r) => /^(jsonrpc|mcp|protocol)\./.test(r));

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'test-server', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'adds', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  // A tool that never returns: its call is never answered.
  server.registerTool('hang', { description: 'hangs' }, () => new Promise<never>(() => undefined));
  return server;
}

async function setup(path: '/mcp' | '/mcp-json' = '/mcp-json') {
  const upstream = await mcpUpstream(mcpServer);
  cleanups.push(upstream.close);
  const store = new SessionStore({ batchIntervalMs: 1 });
  const views = new ProtocolViews(store);
  const live = new LiveDiagnostics(store, { protocols: views, tickMs: 20, answerTimeoutMs: 300 });
  const proxy = await startProxy(store, {
    port: 0,
    target: upstream.origin,
  });
  cleanups.push(async () => {
    live.dispose();
    views.dispose();
    await proxy.close();
  });
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${proxy.url}${path}`));
  cleanups.push(() => client.close());
  await client.connect(transport);
  return { store, views, live, client, transport, url: `${proxy.url}${path}` };
}

describe('MCP diagnostics against the real SDK', () => {
  it('the SDK client used as intended: no protocol findings', async () => {
    const { store, live, client } = await setup();
    await client.listTools();
    const added = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(added.content).toEqual([{ type: 'text', text: '5' }]);
    await client.close();
    await waitFor(
      () => store.connections().every((c) => c.state !== 'open' && c.state !== 'connecting'),
      3000,
      'the exchanges to end',
    );
    expect(protocolRules(live.refresh())).toEqual([]);
  });

  it('jsonrpc.unanswered: a tool call the server never answers, found while its stream is open', async () => {
    // An answer as an event stream: the head comes at once, the call waits in the open stream.
    const { live, client } = await setup('/mcp');
    const call = client
      .callTool({ name: 'hang', arguments: {} }, undefined, { timeout: 5000 })
      .catch(() => 'gave up');
    await waitFor(
      () => live.findings().some((f) => f.rule === 'jsonrpc.unanswered'),
      3000,
      'the finding',
    );
    const finding = live.findings().find((f) => f.rule === 'jsonrpc.unanswered');
    expect(finding?.message).toMatch(/tools\/call hang #\d+ \(waiting/);
    await client.close();
    await call;
  });

  it('mcp.missing-session-id: a later POST without the header gets 400 and the finding', async () => {
    const { live, transport, url } = await setup();
    expect(transport.sessionId).toBeDefined();
    const response = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: '{"jsonrpc":"2.0","id":99,"method":"tools/list"}',
    });
    await response.body.text();
    expect(response.statusCode).toBe(400);
    await waitFor(
      () => live.findings().some((f) => f.rule === 'mcp.missing-session-id'),
      3000,
      'the finding',
    );
    const finding = live.findings().find((f) => f.rule === 'mcp.missing-session-id');
    expect(finding?.severity).toBe('error');
    expect(finding?.evidence.headers).toEqual([['Mcp-Session-Id', transport.sessionId]]);
    expect(finding?.message).toMatch(
      /^1 request to .*\/mcp-json without Mcp-Session-Id .*400 ×1\.$/,
    );
  });
});
