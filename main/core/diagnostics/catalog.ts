/** Each rule's severity and fix, in one table (docs/diagnostics.md lists the same). */
import { RULE, type RuleId, type Severity } from './types.ts';

export interface RuleInfo {
  severity: Severity;
  title: string;
  fix: string;
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  [RULE.sseContentType]: {
    severity: 'error',
    title: 'Event stream not served as text/event-stream',
    fix: 'Serve the stream with "Content-Type: text/event-stream". EventSource refuses any other type and fails the connection; proxies and CDNs also use the type to decide not to buffer the response. Set the header before the first byte of the body, on every response of the endpoint (errors included, or send them with a non-2xx status).',
  },
  [RULE.sseNotUtf8]: {
    severity: 'error',
    title: 'Event stream not UTF-8',
    fix: 'An event stream is always decoded as UTF-8: a charset parameter other than utf-8 is ignored and bytes that are not UTF-8 become U+FFFD. Encode the data as UTF-8 on the server (and drop or correct the charset parameter); send binary data as base64 or fetch it separately.',
  },
  [RULE.sseNoCacheControl]: {
    severity: 'warning',
    title: 'No Cache-Control: no-cache on the event stream',
    fix: 'Send "Cache-Control: no-cache" (or no-store) with the stream. Without it a cache or a proxy may hold the response or answer a reconnect with a stored copy, and some reverse proxies buffer it. Add "X-Accel-Buffering: no" when nginx is in front.',
  },
  [RULE.sseBuffering]: {
    severity: 'warning',
    title: 'Event stream buffered or compressed on the way',
    fix: 'Events that arrive in clumps after silences were held by something between the server and the client, usually a reverse proxy buffering the response (nginx: "proxy_buffering off" or the "X-Accel-Buffering: no" response header) or compression (gzip or brotli encoders wait for a full block: disable Content-Encoding for text/event-stream, or flush the compressor after each event). Flush after every event on the server too.',
  },
  [RULE.sseIdleGap]: {
    severity: 'warning',
    title: 'Event stream idle longer than common proxy timeouts',
    fix: 'Proxies and load balancers close connections idle for 30–60 s (nginx proxy_read_timeout 60 s, AWS ALB 60 s, Heroku 55 s, many corporate proxies 30 s). Send a comment line (": keep-alive") every 15–20 s when there is nothing to say, so the stream is never idle that long.',
  },
  [RULE.sseNoEventId]: {
    severity: 'info',
    title: 'Events without id: no resumption',
    fix: 'Give each event an "id:" so that a client reconnecting after a network failure sends "Last-Event-ID" and the server can resume from there instead of starting over or losing events. Streams that cannot be resumed (LLM answers) may ignore this.',
  },
  [RULE.sseNoRetry]: {
    severity: 'info',
    title: 'No retry field',
    fix: 'Send a "retry:" field (milliseconds) early in the stream so clients reconnect at a pace the server chose, instead of the browser default of about 3 s, and raise it when the server is under load to spread reconnects out. (Telltale sees retry only inside an event block with data; a retry-only block is not recorded as an entry.)',
  },
  [RULE.sseReconnectStorm]: {
    severity: 'warning',
    title: 'Reconnect storm',
    fix: 'The client opened many streams to the same URL in a short time: the server keeps ending the stream (or failing it) and the client comes straight back. Find why the stream ends (timeouts, errors, a 204 to stop), send "retry:" with a sensible delay, and add backoff with jitter in custom clients; answer 204 No Content to tell EventSource to stop for good.',
  },
  [RULE.sseReconnectWithoutLastEventId]: {
    severity: 'warning',
    title: 'Reconnect without Last-Event-ID',
    fix: 'The earlier stream gave event ids but the reconnect did not send "Last-Event-ID", so the server cannot resume and events are lost or replayed from the start. EventSource sends it automatically; a custom client (fetch-based, or one that creates a new EventSource) must send the last id it saw itself.',
  },
  [RULE.sseReconnectReplay]: {
    severity: 'warning',
    title: 'Reconnect replays events already delivered',
    fix: 'After a reconnect with "Last-Event-ID", the server sent events the client had already received. Resume strictly after the given id on the server (and keep ids monotonic), or make the client drop events whose id it has already processed.',
  },
  [RULE.sseHttp1ConnectionLimit]: {
    severity: 'warning',
    title: 'Six or more concurrent HTTP/1.1 streams to one origin',
    fix: 'Browsers allow six HTTP/1.1 connections per origin, shared by all tabs: with that many event streams open, every further request to the origin (API calls, other streams, images) queues until one closes. Share one stream per client (a SharedWorker or BroadcastChannel across tabs, one multiplexed stream per page), or serve the streams over HTTP/2 where they share one connection. (Telltale records HTTP/1.1 exchanges; its clients and proxy speak HTTP/1.1.)',
  },
  [RULE.wsNoHeartbeat]: {
    severity: 'warning',
    title: 'WebSocket idle longer than common timeouts',
    fix: 'No frame (no ping/pong, no application heartbeat) crossed the connection for longer than common proxy and load-balancer idle timeouts (30–60 s), which close it silently. Send a ping from the server every 20–30 s (ws: setInterval with ws.ping(); most servers have an option), or an application heartbeat message, and close connections whose pong does not come.',
  },
  [RULE.wsAbnormalClose]: {
    severity: 'error',
    title: 'WebSocket ended without a close frame (1006)',
    fix: 'The connection ended without a closing handshake: the TCP connection dropped or a side exited without calling close. Clients see 1006 and cannot tell why. Close with a code and reason on both sides (1000 normal, 1001 going away on shutdown, 1011 on server errors), drain connections on deploys, and look for proxies timing the connection out.',
  },
  [RULE.wsCloseCode]: {
    severity: 'error',
    title: 'Close code that may not be sent',
    fix: 'A close frame carried a code that RFC 6455 forbids on the wire: 1005, 1006 and 1015 are local statuses only, 1004 is reserved, codes below 1000 and above 4999 are invalid, and unassigned codes of 1016–2999 are reserved for future use. Compliant peers fail the connection on these. Use 1000–1003, 1007–1014 as defined, 3000–3999 registered codes, or 4000–4999 for your application.',
  },
  [RULE.wsPongMissing]: {
    severity: 'warning',
    title: 'Ping without pong',
    fix: 'A ping went unanswered past the pong timeout: the peer is stuck, overloaded, or the path is broken (a half-open connection). Peers must answer every ping with a pong as soon as they can; on the pinging side, terminate connections that miss a pong and reconnect.',
  },
  [RULE.wsPingRttRising]: {
    severity: 'info',
    title: 'Ping round-trip time rising',
    fix: 'The ping round trip grew over the connection: the peer or the path is falling behind (a growing send queue, event-loop stalls, congestion). Check the receiver keeps up with the message rate, apply backpressure (bufferedAmount) on the sender, and watch server CPU.',
  },
  [RULE.wsLargeMessage]: {
    severity: 'warning',
    title: 'Message over common server limits',
    fix: "A message exceeded 1 MB: the default of Socket.IO's maxHttpBufferSize (1e6 bytes), and above the limits many servers and gateways set (1 MiB is common). Such messages get the connection closed (1009 Message Too Big) elsewhere. Split large payloads into chunks, fetch them over HTTP, or raise the limit knowingly on both ends.",
  },
  [RULE.wsDeflateContextTakeover]: {
    severity: 'info',
    title: 'permessage-deflate with context takeover on many connections',
    fix: 'Each connection with permessage-deflate context takeover keeps a zlib window per direction (about 300 KB with default settings) for its whole life: multiplied by many concurrent connections this dominates server memory. Negotiate server_no_context_takeover and client_no_context_takeover (and smaller max_window_bits), or disable compression for small messages.',
  },
  [RULE.wsProtocolViolation]: {
    severity: 'error',
    title: 'WebSocket protocol violation',
    fix: 'The frame decoder found frames RFC 6455 forbids (masking on the wrong side, bad fragmentation, reserved opcodes or RSV bits, invalid UTF-8 in text, oversized control frames). Compliant peers fail the connection with 1002 or 1007. Fix the sending implementation, or replace a hand-written framer with a maintained library.',
  },
  [RULE.protocolMalformed]: {
    severity: 'warning',
    title: 'Malformed application-protocol messages',
    fix: "Messages on a connection read as this protocol broke its rules (the codes say how: not JSON, an unknown packet type, a missing id, a frame that never ends…). The library on the other side drops them or closes the connection. Find the sender from the direction, and make it use the protocol's library or follow its specification; if the connection is not this protocol at all, read it raw (or as another protocol) in Telltale.",
  },
  [RULE.socketioPongMissing]: {
    severity: 'warning',
    title: 'Engine.IO ping without pong within pingTimeout',
    fix: 'The server pinged and the client did not answer within the pingTimeout announced in the open packet, so the server closes the connection with "ping timeout" and the client reconnects. Usual causes: a client event loop blocked by long synchronous work, a browser throttling background tabs (raise pingInterval/pingTimeout, socket.io 4 defaults are 25 s and 20 s), or a proxy buffering the WebSocket. Keep handlers short and make sure nothing between the peers holds frames back.',
  },
  [RULE.socketioPingLate]: {
    severity: 'warning',
    title: 'Engine.IO server ping interval not kept',
    fix: 'Socket.IO clients expect a ping at least every pingInterval + pingTimeout (from the open packet) and close with "ping timeout" otherwise. The server did not ping in time: its event loop was blocked, a proxy or load balancer held frames, or a custom server does not implement the Engine.IO 4 heartbeat (the server pings, the client pongs; in Engine.IO 3 it was the other way round). Unblock the server, send the pings, and keep the announced values to what the server really does.',
  },
  [RULE.socketioAckUnanswered]: {
    severity: 'warning',
    title: 'Socket.IO acknowledgement never sent',
    fix: "An event was emitted with an acknowledgement callback and the other side never called it, so the emitter's callback never runs (a leak, and a hang for code awaiting it). Call the ack function on every path of the handler, errors included (callback({ error })); on the emitting side use socket.timeout(ms).emit(…) or emitWithAck with a timeout, so a missing ack becomes an error instead of silence.",
  },
  [RULE.socketioConnectError]: {
    severity: 'warning',
    title: 'Socket.IO namespace connection refused',
    fix: 'The server answered CONNECT with CONNECT_ERROR: a middleware (io.use / namespace.use) rejected the handshake, usually authentication (missing or expired token in socket.auth) or an unknown namespace. The client gets a "connect_error" event and, unless it changes something, retries forever. Handle connect_error on the client (refresh the credentials, then socket.connect()), and send a clear message from the middleware (next(new Error(…))).',
  },
  [RULE.signalrInvocationUnanswered]: {
    severity: 'warning',
    title: 'SignalR invocation without Completion',
    fix: 'A hub invocation with an invocationId (InvokeAsync / invoke, or a stream) never got its Completion message, so the caller awaits forever. The hub method may hang, throw before the framework can answer, or the connection may be dropped mid-call. Make hub methods finish (use cancellation tokens and timeouts), let exceptions reach the framework (it sends a Completion with an error), and give the caller a timeout.',
  },
  [RULE.signalrInvocationError]: {
    severity: 'info',
    title: 'SignalR invocations completed with an error',
    fix: 'The hub sent Completions carrying an error: the hub method threw, or the target or its arguments were not accepted ("Method does not exist", argument count or type mismatch). Compare the target names and argument types with the hub; set EnableDetailedErrors during development to see the exception text; return expected failures as results rather than exceptions.',
  },
  [RULE.signalrCloseError]: {
    severity: 'error',
    title: 'SignalR connection closed with an error',
    fix: 'The server ended the hub connection with an error: a handshake refused (unsupported protocol or version), or a Close message with an error (an exception in OnConnectedAsync, a message the server could not parse, a server shutting down). The error text says which. Fix the cause on the server; on the client, handle onclose(error) and reconnect (withAutomaticReconnect) only when allowReconnect says it may.',
  },
  [RULE.jsonrpcUnanswered]: {
    severity: 'warning',
    title: 'JSON-RPC request never answered',
    fix: 'A request with an id got no response (JSON-RPC 2.0 requires one for every request with an id, error or result). The handler hangs or failed silently, or the answer went to another connection. Make every path of the handler respond (errors as error responses), give callers a timeout (MCP clients send notifications/cancelled when they give up), and check that responses go back on the right stream.',
  },
  [RULE.jsonrpcDuplicateResponse]: {
    severity: 'error',
    title: 'JSON-RPC request answered twice',
    fix: 'A response came for an id whose request had already been answered. Clients match responses to pending calls by id, so the second one is dropped or, worse, resolves a later call that reused the id. Make sure the server answers each request once (no answer both from a handler and from an error path, no retried send), and that clients do not reuse ids while calls are pending.',
  },
  [RULE.jsonrpcUnknownId]: {
    severity: 'warning',
    title: 'JSON-RPC response with an id no request had',
    fix: 'A response carried an id that no request on this channel used, so the caller cannot match it (JSON-RPC 2.0: the response id must equal the request id, of the same type: 1 and "1" differ). Check the server echoes the id unchanged (no number↔string conversion, no id of another session), and that responses reach the session that asked (MCP: the right Mcp-Session-Id stream).',
  },
  [RULE.jsonrpcErrorResponses]: {
    severity: 'info',
    title: 'JSON-RPC error responses',
    fix: 'Requests were answered with errors, summarised by code: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params, -32603 internal error, -32000 to -32099 server-defined (MCP uses -32002 resource not found, -32001 request timeout in some SDKs). Method not found and invalid params point at a client and server out of step (versions, capabilities negotiated at initialize); internal errors at the server: read its logs for those calls.',
  },
  [RULE.mcpMissingSessionId]: {
    severity: 'error',
    title: 'MCP request without Mcp-Session-Id after initialize',
    fix: 'With the Streamable HTTP transport, once the server returns an Mcp-Session-Id header on the initialize response, the client must send it on every later request to the endpoint (POSTs, the GET stream, DELETE); servers answer 400 Bad Request (or 404 when the session is unknown). Keep the header from the initialize response and send it on each request; on a 404, start a new session with a new initialize. SDK clients do this; check custom clients and proxies that strip headers.',
  },
  [RULE.graphqlOperationUnanswered]: {
    severity: 'warning',
    title: 'GraphQL operation without a result',
    fix: 'A query or mutation sent over the WebSocket got no next/data message, error or complete. The server may not know the operation id, failed inside a resolver without reporting it, or never acknowledged the connection (connection_init without connection_ack: graphql-ws servers close with 4408 after connectionInitWaitTimeout). Check that connection_init is answered first, that the server sends error for failed operations, and give clients a timeout.',
  },
  [RULE.graphqlSubscriptionNotCompleted]: {
    severity: 'info',
    title: 'GraphQL subscription still running when the connection closed',
    fix: 'Subscriptions were still active, completed by neither side, when the connection ended: the client tore the socket down without sending complete (graphql-transport-ws) or stop (subscriptions-transport-ws), or the server dropped the connection. Servers then clean up late and clients lose events without being told. Complete subscriptions before closing (unsubscribe in the client), close with a code and reason, and resubscribe after reconnecting.',
  },
  [RULE.mqttQosIncomplete]: {
    severity: 'warning',
    title: 'MQTT QoS flow left incomplete',
    fix: 'A QoS 1 PUBLISH needs a PUBACK; a QoS 2 PUBLISH needs PUBREC, then PUBREL from the publisher, then PUBCOMP. Flows left open are redelivered (QoS 1 duplicates) or held in the session state until a reconnect with the same client id and clean start off completes them, and an in-flight window that fills up stops the publisher (v5 Receive Maximum). Make the receiver acknowledge every packet id, and the publisher send PUBREL after PUBREC; check in-flight limits on both sides.',
  },
  [RULE.mqttUnanswered]: {
    severity: 'warning',
    title: 'MQTT packet without its acknowledgement',
    fix: "CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ each require an answer from the broker (CONNACK, SUBACK, UNSUBACK, PINGRESP). Without it the client cannot know it is connected or subscribed, and a missing PINGRESP means the connection is half-open: clients should close and reconnect. Check broker logs and authorization (some brokers drop unauthorized SUBSCRIBEs silently), and use the client library's keep-alive and connect timeout.",
  },
  [RULE.mqttKeepAliveExceeded]: {
    severity: 'warning',
    title: 'MQTT client silent beyond its keep-alive',
    fix: 'The client announced a keep-alive in CONNECT and then sent no packet for more than 1.5 times that long; the broker must close such connections (MQTT §3.1.2.10). Send PINGREQ when there is nothing else to send (client libraries do so when their timer is not starved: keep the event loop free), or announce a longer keep-alive; watch for proxies with shorter idle timeouts in between.',
  },
  [RULE.stompReceiptMissing]: {
    severity: 'warning',
    title: 'STOMP RECEIPT never received',
    fix: "A frame carried a receipt header and the broker never sent the RECEIPT (nor an ERROR naming it), so the client cannot know the frame was processed; a DISCONNECT that waits for its receipt hangs. Brokers send receipts for every frame that asks; a missing one means the frame was lost or the connection closed first. Wait for the receipt before closing (stompjs: watchForReceipt, or deactivate() which does it), and check the broker's logs.",
  },
  [RULE.stompErrorFrame]: {
    severity: 'error',
    title: 'STOMP ERROR frame',
    fix: 'The broker sent ERROR: it refused a frame (authentication, an unknown destination, a malformed frame, a missing content-length with NUL bytes, a heart-beat missed) and closes the connection right after. The message header and the body say why. Fix the frame named by the receipt-id if any; on the client, handle the ERROR (stompjs onStompError) and reconnect only after fixing the cause.',
  },
};
