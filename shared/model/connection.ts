import type { Direction } from './entry.ts';
import type { ProtocolName } from './protocol.ts';

export type ConnectionKind = 'ws' | 'sse' | 'http';
export type ConnectionSource = 'client' | 'proxy' | 'import' | 'replay';
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed' | 'aborted' | 'failed';

/** Header lists keep order and repeats, as on the wire. */
export type HeaderList = [name: string, value: string][];

export interface HttpResponseInfo {
  status: number;
  statusText: string;
  headers: HeaderList;
  /** Body of a refused handshake or failed SSE request (bounded), as text when valid UTF-8. */
  body?: string;
  bodyBase64?: string;
  bodyTruncated?: boolean;
}

export interface Connection {
  /** Stable id, kept by save and import. */
  id: string;
  kind: ConnectionKind;
  source: ConnectionSource;
  url: string;
  method: string;
  requestHeaders: HeaderList;
  /** Request body as sent (SSE over POST, as LLM APIs stream), text when valid UTF-8. */
  requestBody?: string;
  requestBodyBase64?: string;
  response?: HttpResponseInfo;
  /** Negotiated subprotocol (WS). */
  protocol?: string;
  /** Negotiated `Sec-WebSocket-Extensions` (WS). */
  extensions?: string;
  state: ConnectionState;
  openedAt: number;
  closedAt?: number;
  /** Close code/reason as received; absent when the connection ended without a close frame. */
  closeCode?: number;
  closeReason?: string;
  /** Which side sent the first close frame. */
  closeInitiator?: Direction;
  error?: string;
  /** Bytes per direction on the wire, after the handshake. */
  bytesOut: number;
  bytesIn: number;
  /** An SSE reconnect is its own connection, linked to the one it resumes. */
  resumes?: string;
  /** Round-trip times of automatic pings, most recent last (ms). */
  pingRttMs?: number[];
  /** A replay run: the id of the recorded connection it replays. */
  replayOf?: string;
  /**
   * The user's choice of protocol view (docs/protocols.md): a protocol, or null to show it raw;
   * absent when Telltale chooses. Saved with the session like the rest of the connection.
   */
  protocolChoice?: ProtocolName | null;
}
