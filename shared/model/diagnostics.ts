/**
 * Findings of the stream diagnostics: what production guides for SSE and WebSocket, and the
 * specifications of the application protocols they carry, say goes wrong, checked against
 * recorded connections. Rule ids are stable strings (exports, CI gates and filters rely on
 * them): add new ones, never rename. Part of the contract: the UI lists them.
 */
import type { HeaderList } from './connection.ts';

export type Severity = 'info' | 'warning' | 'error';

export interface FindingEvidence {
  /** Entries that show the problem (at most `maxEvidenceSeqs`, in seq order). */
  seqs: number[];
  /** Headers that show it (request or response, as recorded). */
  headers: HeaderList;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  connectionId: string;
  evidence: FindingEvidence;
  /** What was seen, with the figures. */
  message: string;
  /** One paragraph: how to fix it. */
  fix: string;
}

export const RULE = {
  sseContentType: 'sse.content-type',
  sseNotUtf8: 'sse.not-utf8',
  sseNoCacheControl: 'sse.no-cache-control',
  sseBuffering: 'sse.buffering',
  sseIdleGap: 'sse.idle-gap',
  sseNoEventId: 'sse.no-event-id',
  sseNoRetry: 'sse.no-retry',
  sseReconnectStorm: 'sse.reconnect-storm',
  sseReconnectWithoutLastEventId: 'sse.reconnect-without-last-event-id',
  sseReconnectReplay: 'sse.reconnect-replay',
  sseHttp1ConnectionLimit: 'sse.http1-connection-limit',
  wsNoHeartbeat: 'ws.no-heartbeat',
  wsAbnormalClose: 'ws.abnormal-close',
  wsCloseCode: 'ws.close-code',
  wsPongMissing: 'ws.pong-missing',
  wsPingRttRising: 'ws.ping-rtt-rising',
  wsLargeMessage: 'ws.large-message',
  wsDeflateContextTakeover: 'ws.deflate-context-takeover',
  wsProtocolViolation: 'ws.protocol-violation',
  // Application protocols, read from the protocol views (docs/diagnostics.md).
  protocolMalformed: 'protocol.malformed',
  socketioPongMissing: 'socketio.pong-missing',
  socketioPingLate: 'socketio.ping-late',
  socketioAckUnanswered: 'socketio.ack-unanswered',
  socketioConnectError: 'socketio.connect-error',
  signalrInvocationUnanswered: 'signalr.invocation-unanswered',
  signalrInvocationError: 'signalr.invocation-error',
  signalrCloseError: 'signalr.close-error',
  jsonrpcUnanswered: 'jsonrpc.unanswered',
  jsonrpcDuplicateResponse: 'jsonrpc.duplicate-response',
  jsonrpcUnknownId: 'jsonrpc.unknown-id',
  jsonrpcErrorResponses: 'jsonrpc.error-responses',
  mcpMissingSessionId: 'mcp.missing-session-id',
  graphqlOperationUnanswered: 'graphql.operation-unanswered',
  graphqlSubscriptionNotCompleted: 'graphql.subscription-not-completed',
  mqttQosIncomplete: 'mqtt.qos-incomplete',
  mqttUnanswered: 'mqtt.unanswered',
  mqttKeepAliveExceeded: 'mqtt.keep-alive-exceeded',
  stompReceiptMissing: 'stomp.receipt-missing',
  stompErrorFrame: 'stomp.error-frame',
} as const;

export type RuleId = (typeof RULE)[keyof typeof RULE];
