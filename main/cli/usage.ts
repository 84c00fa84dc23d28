export class UsageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

export const usage = `telltale — WebSocket and Server-Sent Events inspector

Usage:
  telltale connect URL [options]    open a WS (ws://, wss://) or SSE (http://, https://) connection
                                    and print one JSON object per line for the connection and each
                                    entry as it arrives

  telltale serve [options]          the core without a window; prints the UI's URL (with a
                                    per-run token) to open in a browser

serve options:
  --port N                     UI and API port (default 7300; 0 picks a free one)
  --host ADDRESS               listen address (default 127.0.0.1; others get a warning)
  --open                       open the UI in the default browser
  --proxy-port N               the forward proxy's port (default 8080; 0 picks a free one)
  --no-proxy                   do not start the proxy (the UI can start it later)
  --no-mitm                    relay HTTPS tunnels blind instead of intercepting them

  telltale export IN --to OUT       convert a session between .ndjson and .har (redacted unless
                                    --no-redact; --redact-header NAME, --redact-query NAME add more)

  telltale proxy [options]          a local intercepting proxy (see "proxy options")
  telltale ca [--export FILE]       where Telltale's CA certificate is; export it as PEM
  telltale replay FILE [--connection ID] [--url URL] [--speed X | --as-fast-as-possible |
                  --step-on-reply] [--save OUT]
                                    replay a recorded connection against its server (or URL)
  telltale mock FILE [--connection ID] [--port P] [--answer]
                                    serve a recorded connection on a loopback port
  telltale inspect FILE [--json] [--diagnose]
                                    LLM answers and stream diagnostics of a recorded session

connect options:
  -H, --header 'Name: value'   add a request header (repeatable)
  --protocol P                 offer a WebSocket subprotocol (repeatable)
  --sse                        open an SSE stream even for a ws:// or wss:// URL
  --method M                   SSE request method (default GET, or POST with --data)
  --data BODY                  SSE request body (LLM APIs stream from POST)
  --send TEXT                  send a text message once open (repeatable, in order)
  --send-binary HEX            send a binary message given as hex (repeatable, in order)
  --for SECONDS                stop after this long (decimals allowed), closing cleanly
  --ping SECONDS               ping this often and record the round-trip time (WebSocket)
  --no-deflate                 do not offer permessage-deflate (offered by default)
  --no-reconnect               do not reconnect when an SSE stream ends
  --insecure                   accept invalid or self-signed TLS certificates
  --save FILE                  FILE.ndjson: the session written as it is captured (lossless);
                               FILE.har: written when connect ends, redacted (see --no-redact)
  --no-redact                  keep Authorization, cookies… in a .har save

Exit status: 0 done, 1 connection/HTTP/TLS/I-O failure, 2 usage error.
Output lines are documented in docs/session-format.md.
`;
