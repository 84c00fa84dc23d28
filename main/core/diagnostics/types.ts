/**
 * Findings of the stream diagnostics: what production guides for SSE and WebSocket (and the
 * application protocols' specifications) say goes wrong, checked against recorded connections.
 * Rule ids are stable strings (exports, CI gates and filters rely on them): add new ones, never
 * rename.
 */

export { RULE } from '../../../shared/model/diagnostics.ts';
export type {
  Finding,
  FindingEvidence,
  RuleId,
  Severity,
} from '../../../shared/model/diagnostics.ts';

export interface DiagnosticsOptions {
  /** Idle timeouts of common proxies and load balancers (ms). Default [30 000, 60 000]. */
  idleTimeoutsMs?: number[];
  /** A ping without its pong after this long is missing (ms). Default 10 000. */
  pongTimeoutMs?: number;
  /** Messages above this many bytes hit common server limits. Default 1 000 000. */
  largeMessageBytes?: number;
  /** This many connections to one URL within `stormWindowMs` is a reconnect storm. Default 5. */
  stormConnections?: number;
  /** Default 10 000 ms. */
  stormWindowMs?: number;
  /** Concurrent HTTP/1.1 event streams per origin that browsers allow. Default 6. */
  http1ConnectionLimit?: number;
  /** Concurrent context-takeover deflate sockets per origin worth a note. Default 10. */
  deflateConnections?: number;
  /** A burst: at least this many events within `burstWindowMs`… Default 4. */
  burstEvents?: number;
  /** Default 5 ms. */
  burstWindowMs?: number;
  /** …after a quiet spell of at least this long. Default 250 ms. */
  burstQuietMs?: number;
  /** Bursts on one stream before it is called buffered. Default 2. */
  burstsToReport?: number;
  /** Ping RTT rising: the last quarter's mean over the first quarter's by this factor. Default 2. */
  rttRiseFactor?: number;
  /**
   * An application-protocol request (JSON-RPC call, Socket.IO ack, SignalR invocation, MQTT
   * flow, STOMP receipt, GraphQL query) still unanswered after this long is reported while its
   * connection is open (ms). After the close, any left unanswered is. Default 30 000.
   */
  answerTimeoutMs?: number;
}

export type ResolvedOptions = Required<DiagnosticsOptions>;

export function resolveOptions(options: DiagnosticsOptions = {}): ResolvedOptions {
  return {
    idleTimeoutsMs: [...(options.idleTimeoutsMs ?? [30_000, 60_000])].sort((a, b) => a - b),
    pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
    largeMessageBytes: options.largeMessageBytes ?? 1_000_000,
    stormConnections: options.stormConnections ?? 5,
    stormWindowMs: options.stormWindowMs ?? 10_000,
    http1ConnectionLimit: options.http1ConnectionLimit ?? 6,
    deflateConnections: options.deflateConnections ?? 10,
    burstEvents: options.burstEvents ?? 4,
    burstWindowMs: options.burstWindowMs ?? 5,
    burstQuietMs: options.burstQuietMs ?? 250,
    burstsToReport: options.burstsToReport ?? 2,
    rttRiseFactor: options.rttRiseFactor ?? 2,
    answerTimeoutMs: options.answerTimeoutMs ?? 30_000,
  };
}

/** Evidence lists stop here: a finding points at examples, not at every entry. */
export const maxEvidenceSeqs = 20;
