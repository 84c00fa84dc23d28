/**
 * Which dissector reads a connection, from what is known before its messages: the negotiated
 * subprotocol, the URL, headers. Sniffing the first messages is the fallback (protocol-views).
 */
import type { Connection } from '../../../../shared/model/connection.ts';
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
  return undefined;
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
 * polling names it in its URL), SignalR's connection token (`?id=`) or MCP's session id;
 * otherwise the connection alone.
 */
export function channelIdOf(connection: Connection, protocol: ProtocolName): string {
  const mcp = headerOf(connection, 'mcp-session-id');
  if (mcp !== undefined) return `mcp:${mcp}`;
  const query = connection.url.indexOf('?');
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
