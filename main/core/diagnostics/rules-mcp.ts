/**
 * MCP's Streamable HTTP transport: once the server answered `initialize` with an
 * `Mcp-Session-Id` header, every later request of the client to that endpoint (POST, the GET
 * stream, DELETE) must carry it; servers answer 400 (or 404) to those that do not. Read from the
 * connections' headers, over the HTTP exchanges and event streams to one endpoint.
 */
import type { ConnectionFacts } from './facts.ts';
import { finding, plural } from './finding.ts';
import { headerValue } from './headers.ts';
import type { RuleContext } from './rules-sse.ts';
import { RULE, type Finding } from './types.ts';

/** The endpoint of an HTTP request: origin and path, without the query. */
export function endpointOf(url: string): string {
  const query = url.search(/[?#]/);
  return query < 0 ? url : url.slice(0, query);
}

/** An exchange that says MCP's Streamable HTTP: the session header either way. */
export function carriesMcpSession(f: ConnectionFacts): boolean {
  const c = f.connection;
  return (
    headerValue(c.requestHeaders, 'mcp-session-id') !== undefined ||
    headerValue(c.response?.headers, 'mcp-session-id') !== undefined
  );
}

/** The request body names the `initialize` method (a new session starts without the header). */
function initializeBody(f: ConnectionFacts): boolean {
  const body = f.connection.requestBody;
  return body !== undefined && /"method"\s*:\s*"initialize"/.test(body);
}

export function mcpSessionRule(
  endpoint: string,
  members: readonly ConnectionFacts[],
  _ctx: RuleContext,
  out: Finding[],
  isInitialize: (connectionId: string) => boolean,
): void {
  const ordered = [...members].sort((a, b) => a.connection.openedAt - b.connection.openedAt);
  let session: { id: string; since: number } | undefined;
  const offenders: ConnectionFacts[] = [];
  let sessionEvidence: [string, string][] = [];
  for (const f of ordered) {
    const c = f.connection;
    const given = headerValue(c.response?.headers, 'mcp-session-id');
    const sent = headerValue(c.requestHeaders, 'mcp-session-id');
    // Judged once the answer's head is in (it names a new session), or the exchange ended.
    const judged = c.response !== undefined || (c.state !== 'open' && c.state !== 'connecting');
    if (judged && sent === undefined && session !== undefined && c.openedAt >= session.since) {
      // An initialize starts a session of its own: it is the one request sent without the id.
      const initializing = given !== undefined || initializeBody(f) || isInitialize(c.id);
      if (!initializing) offenders.push(f);
    }
    if (given !== undefined && sent === undefined) {
      // The session starts once the answer is back: requests sent before could not know it.
      session = { id: given, since: c.closedAt ?? c.openedAt };
      sessionEvidence = [['Mcp-Session-Id', given]];
    }
  }
  const first = offenders[0];
  if (first === undefined || session === undefined) return;
  const byMethod = new Map<string, number>();
  const statuses = new Map<number, number>();
  for (const f of offenders) {
    const c = f.connection;
    byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
    if (c.response !== undefined) {
      statuses.set(c.response.status, (statuses.get(c.response.status) ?? 0) + 1);
    }
  }
  const methods = [...byMethod].map(([m, n]) => `${m} ×${n}`).join(', ');
  const answered = [...statuses].map(([s, n]) => `${s} ×${n}`).join(', ');
  out.push(
    finding(
      RULE.mcpMissingSessionId,
      first.connection.id,
      `${plural(offenders.length, 'request')} to ${endpoint} without Mcp-Session-Id after initialize returned session "${session.id}" (${methods})${answered === '' ? '' : `; the server answered ${answered}`}.`,
      { headers: sessionEvidence },
    ),
  );
}
