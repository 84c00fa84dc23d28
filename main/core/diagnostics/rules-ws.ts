/** Rules that read one WebSocket connection. */
import { describeCloseCode } from '../../../shared/model/ws-tables.ts';
import type { ConnectionFacts } from './facts.ts';
import { finding, plural, seconds } from './finding.ts';
import { headerValue, pick } from './headers.ts';
import { idleGapFinding, type RuleContext } from './rules-sse.ts';
import { RULE, type Finding } from './types.ts';

export function wsRules(f: ConnectionFacts, ctx: RuleContext, out: Finding[]): void {
  const c = f.connection;
  if (c.kind !== 'ws' || c.response?.status !== 101) return;
  const ended = c.state === 'closed' || c.state === 'aborted' || c.state === 'failed';

  idleGapFinding(
    f,
    ctx,
    RULE.wsNoHeartbeat,
    f.pings + f.pongs === 0 ? 'frame and no ping/pong at all' : 'frame',
    out,
  );

  if (
    ended &&
    (c.closeCode === undefined || c.closeCode === 1006) &&
    f.closeFrameSeq === undefined
  ) {
    out.push(
      finding(
        RULE.wsAbnormalClose,
        c.id,
        `The connection ended (${c.state}${c.error === undefined ? '' : `: ${c.error}`}) without a close frame from either side: clients report 1006.`,
        { seqs: f.lastSeq === undefined ? [] : [f.lastSeq] },
      ),
    );
  }

  if (f.badCloses.count > 0) {
    const codes = [...f.badCloseCodes]
      .map((code) => `${code} (${describeCloseCode(code).name})`)
      .join(', ');
    out.push(
      finding(
        RULE.wsCloseCode,
        c.id,
        `${plural(f.badCloses.count, 'close frame')} carried a code that may not be sent: ${codes}.`,
        { seqs: f.badCloses.seqs },
      ),
    );
  }

  const overdue = f.overduePings(ctx.now);
  if (ended) f.settlePings(ctx.now);
  if (f.missingPongs.count > 0) {
    out.push(
      finding(
        RULE.wsPongMissing,
        c.id,
        `${plural(f.missingPongs.count, 'ping')} got no pong within ${seconds(ctx.options.pongTimeoutMs)}.`,
        { seqs: f.missingPongs.seqs.length > 0 ? f.missingPongs.seqs : overdue },
      ),
    );
  }

  const rtts = c.pingRttMs ?? [];
  if (rtts.length >= 8) {
    const quarter = Math.floor(rtts.length / 4);
    const first = mean(rtts.slice(0, quarter));
    const last = mean(rtts.slice(-quarter));
    if (last > first * ctx.options.rttRiseFactor && last - first > 20) {
      out.push(
        finding(
          RULE.wsPingRttRising,
          c.id,
          `Ping round trip rose from ${first.toFixed(1)} ms (first quarter of ${rtts.length} pings) to ${last.toFixed(1)} ms (last quarter).`,
        ),
      );
    }
  }

  if (f.largeMessages.count > 0) {
    out.push(
      finding(
        RULE.wsLargeMessage,
        c.id,
        `${plural(f.largeMessages.count, 'message')} over ${ctx.options.largeMessageBytes.toLocaleString('en-US')} bytes (largest ${f.largestMessage.toLocaleString('en-US')}).`,
        { seqs: f.largeMessages.seqs },
      ),
    );
  }

  if (f.violations.size > 0) {
    const seqs = [...f.violations.values()].flatMap((l) => l.seqs).sort((a, b) => a - b);
    const codes = [...f.violations].map(([code, list]) => `${code} ×${list.count}`).join(', ');
    out.push(
      finding(RULE.wsProtocolViolation, c.id, `The decoder flagged: ${codes}.`, {
        seqs: seqs.slice(0, 20),
      }),
    );
  }
}

/** permessage-deflate negotiated with context takeover in at least one direction. */
export function deflateWithTakeover(extensions: string | undefined): boolean {
  if (extensions === undefined || !/permessage-deflate/i.test(extensions)) return false;
  return !(
    /server_no_context_takeover/i.test(extensions) && /client_no_context_takeover/i.test(extensions)
  );
}

export function extensionEvidence(f: ConnectionFacts): ReturnType<typeof pick> {
  const value = headerValue(f.connection.response?.headers, 'sec-websocket-extensions');
  return value === undefined ? [] : [['Sec-WebSocket-Extensions', value]];
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
