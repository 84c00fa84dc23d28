/**
 * An upstream speaking both of MCP's HTTP transports with the real `@modelcontextprotocol/sdk`,
 * for tests: Streamable HTTP on `/mcp` (answers as event streams) and `/mcp-json` (answers as
 * JSON), the older HTTP+SSE transport on `/sse` (+ POSTs to `/messages?sessionId=`). Each
 * session gets a fresh server from `makeServer`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { listenLoopback } from '../../testing/loopback.ts';

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString();
      try {
        resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Starts the upstream on loopback; `close` ends every session and the listener. */
export async function mcpUpstream(
  makeServer: () => McpServer,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the older transport is under test
  const legacy = new Map<string, SSEServerTransport>();
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/mcp' || url.pathname === '/mcp-json') {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? streamable.get(id) : undefined;
      if (transport === undefined) {
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: url.pathname === '/mcp-json',
          onsessioninitialized: (sid) => {
            if (transport) streamable.set(sid, transport);
          },
        });
        await makeServer().connect(transport);
      }
      await transport.handleRequest(req, res, body);
      return;
    }
    if (url.pathname === '/sse' && req.method === 'GET') {
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the older transport is under test
      const transport = new SSEServerTransport('/messages', res);
      legacy.set(transport.sessionId, transport);
      await makeServer().connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = legacy.get(url.searchParams.get('sessionId') ?? '');
      if (transport === undefined) {
        res.writeHead(404).end();
        return;
      }
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404).end();
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  const listening = await listenLoopback(server);
  return {
    origin: `http://127.0.0.1:${listening.port}`,
    close: async () => {
      for (const t of streamable.values()) await t.close();
      for (const t of legacy.values()) await t.close();
      server.closeAllConnections();
      await listening.close();
    },
  };
}
