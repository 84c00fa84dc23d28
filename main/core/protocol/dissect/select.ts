/**
 * Which dissector reads a connection, from what is known before its messages: the negotiated
 * subprotocol, the URL, headers. Sniffing the first messages is the fallback (protocol-views).
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolChoice, ProtocolName } from '../../../../shared/model/protocol.ts';
import type { Dissector } from './types.ts';

export interface Selection {
  dissector: Dissector;
  by: ProtocolChoice;
}

export function selectByConnection(
  connection: Connection,
  dissectors: readonly Dissector[],
): Selection | undefined {
  const subprotocol = connection.protocol?.trim().toLowerCase();
  if (subprotocol !== undefined && subprotocol !== '') {
    const named = dissectors.find((d) => d.subprotocols.includes(subprotocol));
    if (named !== undefined) return { dissector: named, by: 'subprotocol' };
  }
  const byUrl = dissectors.find((d) => d.byUrl(connection.url));
  if (byUrl !== undefined) return { dissector: byUrl, by: 'url' };
  if (headerOf(connection, 'mcp-session-id') !== undefined) {
    const rpc = dissectors.find((d) => d.name === 'jsonrpc');
    if (rpc !== undefined) return { dissector: rpc, by: 'header' };
  }
  if (isSignalRClient(connection)) {
    const signalr = dissectors.find((d) => d.name === 'signalr');
    if (signalr !== undefined) return { dissector: signalr, by: 'header' };
  }
  return undefined;
}

/**
 * SignalR's clients name themselves on every request of a session (negotiate, the WebSocket,
 * the event stream, each poll and POST): `X-SignalR-User-Agent` from browsers, `User-Agent:
 * Microsoft SignalR/…` from Node and .NET. The only sign on a POST carrying a hub message.
 */
function isSignalRClient(connection: Connection): boolean {
  if (headerOf(connection, 'x-signalr-user-agent') !== undefined) return true;
  return headerOf(connection, 'user-agent')?.startsWith('Microsoft SignalR/') === true;
}

export function headerOf(connection: Connection, name: string): string | undefined {
  for (const [key, value] of connection.requestHeaders) {
    if (key.toLowerCase() === name) return value;
  }
  for (const [key, value] of connection.response?.headers ?? []) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/**
 * The protocol session a connection belongs to: Engine.IO's `sid` (a WebSocket upgraded from
 * polling names it in its URL), SignalR's connection token (`?id=`) or MCP's session id (the
 * `Mcp-Session-Id` header, or the older transport's `?sessionId=`); otherwise the connection
 * alone.
 */
export function channelIdOf(connection: Connection, protocol: ProtocolName, first?: Entry): string {
  const mcp = headerOf(connection, 'mcp-session-id');
  if (mcp !== undefined) return `mcp:${mcp}`;
  if (protocol === 'jsonrpc' && first?.kind === 'event' && first.sse?.event === 'endpoint') {
    // The older transport's stream names its session in its first event, the POST URL.
    const url = typeof first.payload === 'string' ? first.payload.trim() : '';
    const at = url.indexOf('?');
    const session = at < 0 ? null : new URLSearchParams(url.slice(at + 1)).get('sessionId');
    if (session !== null && session !== '') return `mcp:${session}`;
  }
  const query = connection.url.indexOf('?');
  if (protocol === 'jsonrpc' && query >= 0) {
    // MCP's HTTP+SSE transport: the client POSTs to the endpoint the stream named.
    const session = new URLSearchParams(connection.url.slice(query + 1)).get('sessionId');
    if (session !== null && session !== '') return `mcp:${session}`;
  }
  if (protocol === 'socketio' && first?.direction === 'in' && typeof first.payload === 'string') {
    // The polling handshake's answer is the open packet naming the session it starts.
    const opened = /^0\{"sid":"([^"\\]+)"/.exec(first.payload)?.[1];
    if (opened !== undefined) return `eio:${opened}`;
  }
  if (protocol === 'socketio' && query >= 0) {
    const sid = new URLSearchParams(connection.url.slice(query + 1)).get('sid');
    if (sid !== null && sid !== '') return `eio:${sid}`;
  }
  if (protocol === 'signalr' && query >= 0) {
    const token = new URLSearchParams(connection.url.slice(query + 1)).get('id');
    if (token !== null && token !== '') return `signalr:${token}`;
  }
  return connection.id;
}
