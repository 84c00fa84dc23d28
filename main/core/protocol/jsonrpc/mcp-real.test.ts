/**
 * JSON-RPC/MCP dissection against the real `@modelcontextprotocol/sdk`: its server behind
 * Telltale's reverse proxy, its client in front, on both HTTP transports (Streamable HTTP, with
 * answers as event streams and as JSON, and the older HTTP+SSE). What the client reports (tool
 * results, the error, the sampling request it answered) must be what the protocol view says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { waitFor } from '../../testing/loopback.ts';
import { mcpUpstream } from './mcp-test-upstream.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An MCP server with an `add` tool and an `ask` tool that asks the client to sample. */
function mcpServer(): McpServer {
  const server = new McpServer({ name: 'test-server', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'adds', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  server.registerTool('ask', { description: 'asks the client' }, async () => {
    const answer = await server.server.createMessage({
      messages: [{ role: 'user', content: { type: 'text', text: 'say hi' } }],
      maxTokens: 5,
    });
    const text = answer.content.type === 'text' ? answer.content.text : '?';
    return { content: [{ type: 'text', text: `client said ${text}` }] };
  });
  return server;
}

async function throughProxy(): Promise<{ store: SessionStore; views: ProtocolViews; url: string }> {
  const store = new SessionStore();
  const views = new ProtocolViews(store);
  const upstream = await mcpUpstream(mcpServer);
  cleanups.push(upstream.close);
  const proxy = await startProxy(store, { port: 0, target: upstream.origin });
  cleanups.push(async () => {
    views.dispose();
    await proxy.close();
  });
  return { store, views, url: proxy.url };
}

/** A client that answers the server's sampling requests, as the library reports them. */
function samplingClient(sampled: string[]): Client {
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: { sampling: {} } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, (request) => {
    // Read as plain JSON: the schema's inferred type does not survive two zod copies.
    const params = request.params as { messages: { content: { type: string; text?: string } }[] };
    const first = params.messages[0]?.content;
    sampled.push(first?.type === 'text' ? (first.text ?? '') : '?');
    return { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' };
  });
  return client;
}

function textOf(result: unknown): string {
  const content = (result as CallToolResult).content[0];
  return content?.type === 'text' ? content.text : '';
}

/** What the client did, through the session, as seen by the library. */
async function exercise(client: Client, sampled: string[]): Promise<Record<string, unknown>> {
  const tools = await client.listTools();
  const added = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
  const asked = await client.callTool({ name: 'ask', arguments: {} });
  let errorCode: number | undefined;
  try {
    await client.request({ method: 'no/such-method' }, z.object({}));
  } catch (error) {
    if (error instanceof McpError) errorCode = error.code;
  }
  return {
    tools: tools.tools.map((t) => t.name).sort(),
    added: textOf(added),
    asked: textOf(asked),
    sampled: [...sampled],
    errorCode,
  };
}

/** The protocol view's messages of a channel, as [direction, kind, method or id]. */
function messagesOf(views: ProtocolViews, channelId: string): ProtocolMessage[] {
  const ids = new Set(views.channels().find((c) => c.id === channelId)?.connectionIds ?? []);
  return views
    .annotations()
    .filter((a) => ids.has(a.connectionId))
    .flatMap((a) => a.messages);
}

function pairedMethods(views: ProtocolViews, channelId: string): string[] {
  return views
    .pairs()
    .filter((p) => p.channelId === channelId)
    .map((p) => {
      const request = views.annotationOf(p.request.seq)?.messages[p.request.index];
      return String(request?.fields.method);
    });
}

describe('MCP over HTTP, dissected from the real SDK through the proxy', () => {
  for (const path of ['/mcp', '/mcp-json']) {
    it(`Streamable HTTP (${path === '/mcp' ? 'answers as event streams' : 'answers as JSON'}): calls, the error and a server request answered by POST pair up in one session`, async () => {
      const { store, views, url } = await throughProxy();
      const sampled: string[] = [];
      const client = samplingClient(sampled);
      const transport = new StreamableHTTPClientTransport(new URL(`${url}${path}`));
      await client.connect(transport);
      const seen = await exercise(client, sampled);
      const sessionId = transport.sessionId ?? '';
      expect(seen).toEqual({
        tools: ['add', 'ask'],
        added: '5',
        asked: 'client said hi',
        sampled: ['say hi'],
        errorCode: -32601,
      });
      const channelId = `mcp:${sessionId}`;
      await waitFor(
        () => pairedMethods(views, channelId).includes('no/such-method'),
        5000,
        'the error answer to be paired',
      );
      await client.close();
      views.catchUp();
      // Every call the client made (initialize too: its session id came with the answer's head),
      // and the server's own request, paired with its answer.
      expect(pairedMethods(views, channelId).sort()).toEqual(
        [
          'initialize',
          'no/such-method',
          'sampling/createMessage',
          'tools/call',
          'tools/call',
          'tools/list',
        ].sort(),
      );
      const messages = messagesOf(views, channelId);
      expect(messages.filter((m) => m.malformed !== undefined)).toEqual([]);
      expect(messages.map((m) => m.summary)).toContain('→ tools/call add #2');
      const error = messages.find((m) => m.kind === 'error');
      expect(error?.fields.errorCode).toBe(seen.errorCode);
      const result = messages.find(
        (m) => m.kind === 'response' && String(m.fields.result).includes('client said hi'),
      );
      expect(result).toBeDefined();
      // The sampling request came in on a stream; its answer went out on a POST of its own.
      const sampling = views
        .pairs()
        .find(
          (p) =>
            views.annotationOf(p.request.seq)?.messages[p.request.index]?.fields.method ===
            'sampling/createMessage',
        );
      expect(sampling?.request.connectionId).not.toBe(sampling?.answer.connectionId);
      expect(store.getConnection(sampling?.answer.connectionId ?? '')?.method).toBe('POST');
      expect(views.unanswered().filter((u) => u.channelId === channelId)).toEqual([]);
    });
  }

  it('HTTP+SSE (the older transport): the endpoint event names the session; POSTed calls pair with answers on the stream', async () => {
    const { views, url } = await throughProxy();
    const sampled: string[] = [];
    const client = samplingClient(sampled);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the older transport is under test
    const transport = new SSEClientTransport(new URL(`${url}/sse`));
    await client.connect(transport);
    const seen = await exercise(client, sampled);
    expect(seen).toMatchObject({ added: '5', asked: 'client said hi', errorCode: -32601 });
    const endpoint = views
      .annotations()
      .flatMap((a) => a.messages)
      .find((m) => m.kind === 'endpoint');
    const sessionId = String(endpoint?.fields.sessionId);
    const channelId = `mcp:${sessionId}`;
    await waitFor(
      () => pairedMethods(views, channelId).includes('no/such-method'),
      5000,
      'the error answer to be paired',
    );
    await client.close();
    expect(pairedMethods(views, channelId).sort()).toEqual(
      [
        'initialize',
        'no/such-method',
        'sampling/createMessage',
        'tools/call',
        'tools/call',
        'tools/list',
      ].sort(),
    );
    const pairs = views.pairs().filter((p) => p.channelId === channelId);
    // Calls went out on POSTs and were answered on the GET stream: always two connections.
    expect(pairs.every((p) => p.request.connectionId !== p.answer.connectionId)).toBe(true);
    expect(messagesOf(views, channelId).filter((m) => m.malformed !== undefined)).toEqual([]);
  });
});
