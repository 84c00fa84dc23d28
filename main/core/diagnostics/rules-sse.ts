/** Rules that read one event stream (or one exchange that should have been one). */
import type { Connection } from '../../../shared/model/connection.ts';
import type { ConnectionFacts } from './facts.ts';
import { finding, plural, seconds } from './finding.ts';
import { headerValue, pick } from './headers.ts';
import { RULE, type Finding, type ResolvedOptions } from './types.ts';

export interface RuleContext {
  options: ResolvedOptions;
  now: number;
}

/**
 * A request that asked for an event stream (EventSource and most clients send this Accept). One
 * that accepts JSON as well (MCP's Streamable HTTP POSTs) may be answered either way.
 */
export function wantsEventStream(c: Connection): boolean {
  const accept = headerValue(c.requestHeaders, 'accept');
  return (
    accept !== undefined &&
    accept.includes('text/event-stream') &&
    !accept.includes('application/json')
  );
}

export function sseRules(f: ConnectionFacts, ctx: RuleContext, out: Finding[]): void {
  const c = f.connection;
  const response = c.response;
  if (c.kind === 'http') {
    // Asked for a stream, got a 2xx of another type: EventSource fails on this.
    if (response && response.status >= 200 && response.status < 300 && wantsEventStream(c)) {
      const type = headerValue(response.headers, 'content-type');
      out.push(
        finding(
          RULE.sseContentType,
          c.id,
          `The request asked for text/event-stream but the ${response.status} response is ${type === undefined ? 'without Content-Type' : `"${type}"`}.`,
          {
            headers: [
              ...pick(c.requestHeaders, 'accept'),
              ...pick(response.headers, 'content-type'),
            ],
          },
        ),
      );
    }
    return;
  }
  if (c.kind !== 'sse' || response === undefined) return;
  const headers = response.headers;

  const type = headerValue(headers, 'content-type') ?? '';
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  const badCharset = charset !== undefined && !/^utf-?8$/i.test(charset);
  if (badCharset || f.invalidUtf8.count > 0) {
    const parts: string[] = [];
    if (badCharset) parts.push(`the response declares charset "${charset}"`);
    if (f.invalidUtf8.count > 0) {
      parts.push(`${plural(f.invalidUtf8.count, 'event')} held bytes that are not UTF-8`);
    }
    out.push(
      finding(RULE.sseNotUtf8, c.id, `Not UTF-8: ${parts.join('; ')}.`, {
        seqs: f.invalidUtf8.seqs,
        headers: badCharset ? pick(headers, 'content-type') : [],
      }),
    );
  }

  const cacheControl = headerValue(headers, 'cache-control');
  if (cacheControl === undefined || !/no-cache|no-store/i.test(cacheControl)) {
    out.push(
      finding(
        RULE.sseNoCacheControl,
        c.id,
        cacheControl === undefined
          ? 'The event stream has no Cache-Control header.'
          : `The event stream's Cache-Control is "${cacheControl}", without no-cache or no-store.`,
        { headers: pick(headers, 'cache-control') },
      ),
    );
  }

  const encoding = headerValue(headers, 'content-encoding');
  const compressed = encoding !== undefined && !/^\s*identity\s*$/i.test(encoding);
  const bursty = f.bursts.count >= ctx.options.burstsToReport;
  if (compressed || bursty) {
    const parts: string[] = [];
    if (compressed) parts.push(`the stream is compressed (Content-Encoding: ${encoding})`);
    if (bursty) {
      parts.push(
        `events arrived in ${plural(f.bursts.count, 'burst')} of ${ctx.options.burstEvents}+ within ${ctx.options.burstWindowMs} ms after silences`,
      );
    }
    const server = headerValue(headers, 'server') ?? '';
    if (/nginx/i.test(server) && headerValue(headers, 'x-accel-buffering') === undefined) {
      parts.push('nginx is in front without "X-Accel-Buffering: no"');
    }
    out.push(
      finding(RULE.sseBuffering, c.id, `Buffered on the way: ${parts.join('; ')}.`, {
        seqs: f.bursts.seqs,
        headers: pick(headers, 'content-encoding', 'server', 'x-accel-buffering'),
      }),
    );
  }

  idleGapFinding(f, ctx, RULE.sseIdleGap, 'event or comment', out);

  if (f.events > 0 && f.withoutId.count === f.events) {
    out.push(
      finding(
        RULE.sseNoEventId,
        c.id,
        `None of the ${plural(f.events, 'event')} carried an id: a reconnect cannot resume.`,
        { seqs: f.withoutId.seqs.slice(0, 3) },
      ),
    );
  }
  if (f.events > 0 && !retryInChain(f)) {
    out.push(finding(RULE.sseNoRetry, c.id, `No retry field in ${plural(f.events, 'event')}.`));
  }
  // Only a reconnect that said where it was is replayed to; one that did not gets the start.
  const resumedFrom = headerValue(c.requestHeaders, 'last-event-id');
  if (f.replayed.count > 0 && resumedFrom !== undefined) {
    out.push(
      finding(
        RULE.sseReconnectReplay,
        c.id,
        `The reconnect received ${plural(f.replayed.count, 'event')} whose id the previous stream had already delivered.`,
        { seqs: f.replayed.seqs, headers: pick(c.requestHeaders, 'last-event-id') },
      ),
    );
  }
  const previous = f.previous;
  if (previous !== undefined && previous.lastEventId !== '') {
    if (headerValue(c.requestHeaders, 'last-event-id') === undefined) {
      out.push(
        finding(
          RULE.sseReconnectWithoutLastEventId,
          c.id,
          `This stream reconnects to ${c.url} after a stream whose last event id was "${previous.lastEventId}", but sent no Last-Event-ID.`,
        ),
      );
    }
  }
}

/** A reconnect keeps the retry an earlier stream of its chain set (EventSource remembers it). */
function retryInChain(f: ConnectionFacts): boolean {
  let current: ConnectionFacts | undefined = f;
  for (let hops = 0; current !== undefined && hops < 100; hops++) {
    if (current.retrySeq !== undefined) return true;
    current = current.previous;
  }
  return false;
}

/** Shared by SSE and WebSocket: the longest quiet spell against the idle timeouts. */
export function idleGapFinding(
  f: ConnectionFacts,
  ctx: RuleContext,
  rule: typeof RULE.sseIdleGap | typeof RULE.wsNoHeartbeat,
  what: string,
  out: Finding[],
): void {
  const gap = f.idleGap(ctx.now);
  const exceeded = ctx.options.idleTimeoutsMs.filter((t) => gap.ms > t);
  if (exceeded.length === 0) return;
  const seqs = [gap.fromSeq, gap.toSeq].filter((s): s is number => s !== undefined);
  const where =
    gap.fromSeq === undefined
      ? 'from the open'
      : gap.toSeq === undefined
        ? 'at the end'
        : 'between entries';
  out.push(
    finding(
      rule,
      f.connection.id,
      `No ${what} for ${seconds(gap.ms)} (${where}), longer than idle timeouts of ${exceeded.map(seconds).join(' and ')}.`,
      { seqs },
    ),
  );
}
