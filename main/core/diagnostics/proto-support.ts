/**
 * What the application-protocol rules share: the tracker contract (annotations in, findings
 * out, per channel), the channel's situation when it is judged, and the "never answered" finding.
 */
import type { Direction } from '../../../shared/model/entry.ts';
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { finding, plural, seconds } from './finding.ts';
import type { Pending, Waiting } from './pending.ts';
import { maxEvidenceSeqs, type Finding, type ResolvedOptions, type RuleId } from './types.ts';

/** A protocol channel (its connections) as the rules judge it at one moment. */
export interface ChannelCheck {
  options: ResolvedOptions;
  now: number;
  /** Every connection of the channel has ended: what is still waiting will never come. */
  ended: boolean;
  /** The moment judged: the channel's last close when it ended (never after `now`), else `now`. */
  at: number;
}

/** One protocol's rules over one channel: its messages in order, then findings when asked. */
export interface ProtocolTracker {
  observe(annotation: ProtocolAnnotation, message: ProtocolMessage): void;
  check(channel: ChannelCheck, out: Finding[]): void;
}

export function other(direction: Direction): Direction {
  return direction === 'out' ? 'in' : 'out';
}

/** Messages of one kind seen: how many, the first few seqs, short labels of the first few. */
export class Sightings {
  count = 0;
  readonly seqs: number[] = [];
  readonly labels: string[] = [];
  connectionId: string | undefined;

  add(where: { seq: number; connectionId: string }, label?: string): void {
    this.count++;
    this.connectionId ??= where.connectionId;
    if (this.seqs.length < maxEvidenceSeqs && this.seqs.at(-1) !== where.seq) {
      this.seqs.push(where.seq);
    }
    if (label !== undefined && this.labels.length < 3) this.labels.push(label);
  }

  /** `a, b, c, …` of the labels kept. */
  examples(): string {
    return `${this.labels.join(', ')}${this.count > this.labels.length ? ', …' : ''}`;
  }

  /** One finding for what was seen, if anything, on the connection of the first sighting. */
  report(rule: RuleId, out: Finding[], message: (count: number, examples: string) => string): void {
    if (this.count === 0 || this.connectionId === undefined) return;
    out.push(
      finding(rule, this.connectionId, message(this.count, this.examples()), { seqs: this.seqs }),
    );
  }
}

/**
 * Requests of `pending` that will not be answered: every one once the channel ended, else those
 * waiting longer than the answer timeout. One finding, on the connection of the oldest.
 */
export function unansweredFinding<T>(
  rule: RuleId,
  pending: Pending<T>,
  channel: ChannelCheck,
  what: { one: string; many: string; without: string },
  describe: (waiting: Waiting<T>) => string,
  out: Finding[],
  more: { each?: (waiting: Waiting<T>) => void; suffix?: () => string } = {},
): void {
  const timeout = channel.options.answerTimeoutMs;
  const cutoff = channel.ended ? Infinity : channel.now - timeout;
  const { count, examples } = pending.overdue(cutoff, more.each);
  const first = examples[0];
  if (count === 0 || first === undefined) return;
  const when = channel.ended
    ? 'by the time the connection closed'
    : `after ${seconds(timeout)} (still open)`;
  const shown = examples.slice(0, 3).map(describe).join(', ');
  out.push(
    finding(
      rule,
      first.connectionId,
      `${plural(count, what.one, what.many)} without ${what.without} ${when}: ${shown}${count > 3 ? ', …' : ''}.${more.suffix?.() ?? ''}`,
      { seqs: examples.map((w) => w.seq).sort((a, b) => a - b) },
    ),
  );
}

/** "sent 3.2 s before the close" / "waiting 41 s". */
export function age(waiting: { time: number }, channel: ChannelCheck): string {
  const ms = Math.max(0, channel.at - waiting.time);
  return channel.ended ? `${seconds(ms)} before the close` : `waiting ${seconds(ms)}`;
}
