/**
 * Protocol views: what the application protocol inside a connection's messages says (JSON-RPC,
 * Socket.IO, GraphQL over WebSocket …), in that protocol's own words. Plain JSON throughout, so
 * the same objects go over IPC, into NDJSON exports and into `telltale inspect --json`.
 */
import type { Direction } from './entry.ts';

/** Every protocol Telltale dissects. */
export const PROTOCOL_NAMES = [
  'jsonrpc',
  'socketio',
  'graphql-transport-ws',
  'subscriptions-transport-ws',
  'stomp',
  'signalr',
  'mqtt',
] as const;

export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** How a connection's protocol was chosen. */
export type ProtocolChoice = 'subprotocol' | 'url' | 'header' | 'sniff' | 'user';

/** Key fields are flat scalars so that filters and tables read them without walking trees. */
export type ProtocolFieldValue = string | number | boolean | null;

/** One protocol message; an entry may carry several (a JSON-RPC batch, an Engine.IO payload). */
export interface ProtocolMessage {
  protocol: ProtocolName;
  /** The message's kind in the protocol's words: `request`, `EVENT`, `subscribe` … */
  kind: string;
  /** Position of this message within its entry, from 0. */
  index: number;
  /** One line in protocol words for timelines: `EVENT chat ["hi"]`, `→ tools/call #4`. */
  summary: string;
  /** Key fields (method, id, event, namespace, operation …), named per protocol (docs/protocols.md). */
  fields: Record<string, ProtocolFieldValue>;
  /** The message broke the protocol; the entry's raw payload stays as it is. */
  malformed?: { code: string; message: string };
}

/** The protocol messages of one entry. */
export interface ProtocolAnnotation {
  seq: number;
  connectionId: string;
  direction: Direction;
  time: number;
  messages: ProtocolMessage[];
}

/** Where one protocol message is: its entry and its position there. */
export interface MessageRef {
  seq: number;
  index: number;
  connectionId: string;
  time: number;
}

/** A request linked with its answer (a JSON-RPC call and its response, an ack, a first result). */
export interface ProtocolPair {
  protocol: ProtocolName;
  /** `call` (JSON-RPC), `ack` (Socket.IO), `first-result` (GraphQL) … */
  kind: string;
  channelId: string;
  /** The id both ends share, as the protocol wrote it. */
  key: string;
  request: MessageRef;
  answer: MessageRef;
  /** Answer time minus request time, in ms. */
  latencyMs: number;
}

/** A request that had no answer (yet) when the view was taken. */
export interface UnansweredRequest {
  protocol: ProtocolName;
  kind: string;
  channelId: string;
  key: string;
  request: MessageRef;
}

/**
 * The connections of one protocol session. Today one connection each; an Engine.IO `sid` or an
 * `Mcp-Session-Id` groups several once the proxy records plain HTTP bodies.
 */
export interface ProtocolChannel {
  id: string;
  protocol: ProtocolName;
  chosenBy: ProtocolChoice;
  connectionIds: string[];
  messages: number;
  malformed: number;
  pairs: number;
  unanswered: number;
}

/** Why a connection is shown raw although a dissector was chosen for it. */
export interface ProtocolFallback {
  connectionId: string;
  protocol: ProtocolName;
  reason: string;
}
