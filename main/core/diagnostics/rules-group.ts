/** Rules over several connections: one URL's reconnects, one origin's concurrent streams. */
import type { ConnectionFacts } from './facts.ts';
import { finding, seconds } from './finding.ts';
import { extensionEvidence } from './rules-ws.ts';
import type { RuleContext } from './rules-sse.ts';
import { RULE, type Finding } from './types.ts';

/** Streams to one URL, in the order they were opened. */
export function stormRule(
  streams: readonly ConnectionFacts[],
  ctx: RuleContext,
  out: Finding[],
): void {
  const { stormConnections: limit, stormWindowMs: windowMs } = ctx.options;
  if (streams.length < limit) return;
  let best = 0;
  let bestStart = 0;
  let start = 0;
  for (let end = 0; end < streams.length; end++) {
    const endAt = streams[end]?.connection.openedAt ?? 0;
    while ((streams[start]?.connection.openedAt ?? endAt) < endAt - windowMs) start++;
    if (end - start + 1 > best) {
      best = end - start + 1;
      bestStart = start;
    }
  }
  if (best < limit) return;
  const first = streams[bestStart];
  const last = streams[bestStart + best - 1];
  if (first === undefined || last === undefined) return;
  const span = last.connection.openedAt - first.connection.openedAt;
  out.push(
    finding(
      RULE.sseReconnectStorm,
      first.connection.id,
      `${best} streams to ${first.connection.url} were opened within ${seconds(span)} (limit ${limit} in ${seconds(windowMs)}).`,
    ),
  );
}

/** The most connections open at once, and the one whose opening reached that peak. */
export function concurrencyPeak(
  list: readonly ConnectionFacts[],
  now: number,
): { count: number; at: ConnectionFacts | undefined } {
  const edges: [time: number, delta: number, facts: ConnectionFacts][] = [];
  for (const f of list) {
    const c = f.connection;
    const open = c.state === 'open' || c.state === 'connecting';
    const end = open ? now : (c.closedAt ?? c.openedAt);
    edges.push([c.openedAt, 1, f], [end, -1, f]);
  }
  // Closes before opens at the same instant: a stream replaced in the same ms is not concurrent.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let count = 0;
  let at: ConnectionFacts | undefined;
  for (const [, delta, f] of edges) {
    current += delta;
    if (current > count) {
      count = current;
      at = f;
    }
  }
  return { count, at };
}

export function http1LimitRule(
  origin: string,
  streams: readonly ConnectionFacts[],
  ctx: RuleContext,
  out: Finding[],
): void {
  const limit = ctx.options.http1ConnectionLimit;
  if (streams.length < limit) return;
  const peak = concurrencyPeak(streams, ctx.now);
  if (peak.count < limit || peak.at === undefined) return;
  out.push(
    finding(
      RULE.sseHttp1ConnectionLimit,
      peak.at.connection.id,
      `${peak.count} event streams to ${origin} were open at once over HTTP/1.1; browsers allow ${limit} connections per origin.`,
    ),
  );
}

export function deflateRule(
  origin: string,
  sockets: readonly ConnectionFacts[],
  ctx: RuleContext,
  out: Finding[],
): void {
  const limit = ctx.options.deflateConnections;
  if (sockets.length < limit) return;
  const peak = concurrencyPeak(sockets, ctx.now);
  if (peak.count < limit || peak.at === undefined) return;
  out.push(
    finding(
      RULE.wsDeflateContextTakeover,
      peak.at.connection.id,
      `${peak.count} WebSockets to ${origin} were open at once with permessage-deflate context takeover.`,
      { headers: extensionEvidence(peak.at) },
    ),
  );
}
