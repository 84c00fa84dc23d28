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
};
