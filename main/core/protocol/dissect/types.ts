/**
 * The contract every dissector keeps: pure and incremental, entries in → protocol messages out,
 * no sockets, never throwing. Pairing, channels and fallback are the framework's job
 * (protocol-views.ts); a dissector only says which messages ask and which answer.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Entry } from '../../../../shared/model/entry.ts';
import type { ProtocolMessage, ProtocolName } from '../../../../shared/model/protocol.ts';

/**
 * How a message takes part in pairing. `request` waits for an `answer` with the same key coming
 * the other way; `end` closes a wait without being its answer (a GraphQL `complete`). Keys are
 * per channel and per direction of the request, so both peers may use the same ids.
 */
export interface PairHint {
  role: 'request' | 'answer' | 'end';
  /** `call`, `ack`, `first-result` … — the pair's kind. */
  kind: string;
  key: string;
}

export interface Dissected {
  message: ProtocolMessage;
  /** Several when one message plays two parts (a STOMP ACK that also asks for a receipt). */
  pair?: PairHint | readonly PairHint[];
}

/** The per-connection state of one dissector. */
export interface ConnectionDissector {
  /** The protocol messages `entry` carries (none for control frames and lifecycle notes). */
  feed(entry: Entry): Dissected[];
  /**
   * What `feed(entry)` would return, leaving this state as it is (a breakpoint judges a held
   * message before it is recorded). Dissectors that keep state between messages implement it;
   * without it a fresh instance is asked instead.
   */
  peek?(entry: Entry): Dissected[];
  /** Set once the dissector has given up on this connection: it is then shown raw. */
  readonly gaveUp: string | undefined;
  /**
   * The connection changed since `create` (a plain exchange's response head came in after its
   * request body): called before the next `feed` with the connection as it is now.
   */
  connectionChanged?(connection: Connection): void;
}

export interface Dissector {
  readonly name: ProtocolName;
  /** Negotiated WebSocket subprotocols that name this protocol. */
  readonly subprotocols: readonly string[];
  /** The URL alone says it (Socket.IO's `/socket.io/?EIO=4`). */
  byUrl(url: string): boolean;
  /** One data entry looks like this protocol (first messages of an unlabelled connection). */
  sniff(entry: Entry): boolean;
  create(connection: Connection): ConnectionDissector;
}
