/**
 * Socket.IO v4 over Engine.IO v4 on one channel: the heartbeat the open packet announces (the
 * server pings every `pingInterval`; a pong must come within `pingTimeout`, or the server closes
 * with "ping timeout"; a client that hears no ping for `pingInterval + pingTimeout` closes with
 * "ping timeout" itself), acks never sent back, and namespaces refused with CONNECT_ERROR.
 */
import type { Direction } from '../../../shared/model/entry.ts';
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { finding, plural, seconds } from './finding.ts';
import { Pending } from './pending.ts';
import {
  age,
  other,
  Sightings,
  unansweredFinding,
  type ChannelCheck,
  type ProtocolTracker,
} from './proto-support.ts';
import { RULE, type Finding } from './types.ts';

interface Ping {
  seq: number;
  time: number;
  direction: Direction;
  connectionId: string;
}

interface Anchor {
  seq: number;
  time: number;
  connectionId: string;
  open: boolean;
}

interface Gap {
  ms: number;
  fromSeq: number;
  toSeq: number | undefined;
  connectionId: string;
  fromOpen: boolean;
}

export class SocketIoTracker implements ProtocolTracker {
  #interval: number | undefined;
  #timeout: number | undefined;
  #openSeq: number | undefined;
  /** The last ping (or the open packet): the client's timer runs from here. */
  #anchor: Anchor | undefined;
  #ping: Ping | undefined;
  readonly #missing = new Sightings();
  #latePongMs = 0;
  #lateCount = 0;
  #worstGap: Gap | undefined;
  readonly #acks = new Pending<{ event: string; ns: string; ackId: string }>();
  readonly #connectErrors = new Sightings();

  observe(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.malformed !== undefined) return;
    const f = m.fields;
    switch (m.kind) {
      case 'open':
        if (typeof f.pingInterval === 'number') this.#interval = f.pingInterval;
        if (typeof f.pingTimeout === 'number') this.#timeout = f.pingTimeout;
        this.#openSeq = a.seq;
        this.#anchor = { seq: a.seq, time: a.time, connectionId: a.connectionId, open: true };
        this.#ping = undefined;
        return;
      case 'ping':
        // The upgrade's probe ("2probe" → "3probe") is no heartbeat.
        if (f.data === 'probe') return;
        this.#heartbeat(a);
        return;
      case 'pong': {
        const ping = this.#ping;
        if (f.data === 'probe' || ping === undefined || ping.direction === a.direction) return;
        this.#ping = undefined;
        const delay = a.time - ping.time;
        if (this.#timeout !== undefined && delay > this.#timeout) {
          this.#missing.add(ping);
          this.#latePongMs = Math.max(this.#latePongMs, delay);
        }
        return;
      }
      case 'EVENT':
      case 'BINARY_EVENT': {
        if (f.ackId === undefined) return;
        const ns = String(f.ns ?? '/');
        this.#acks.add(`${a.direction}\u0000${ns}#${String(f.ackId)}`, {
          seq: a.seq,
          time: a.time,
          connectionId: a.connectionId,
          data: { event: String(f.event), ns, ackId: String(f.ackId) },
        });
        return;
      }
      case 'ACK':
      case 'BINARY_ACK':
        this.#acks.take(`${other(a.direction)}\u0000${String(f.ns ?? '/')}#${String(f.ackId)}`);
        return;
      case 'CONNECT_ERROR':
        this.#connectErrors.add(a, `${String(f.ns ?? '/')}: ${String(f.error ?? '')}`);
        return;
    }
  }

  check(channel: ChannelCheck, out: Finding[]): void {
    this.#heartbeatFindings(channel, out);
    unansweredFinding(
      RULE.socketioAckUnanswered,
      this.#acks,
      channel,
      { one: 'event', many: 'events', without: 'the ack they asked for' },
      (w) =>
        `${w.data.ns === '/' ? '' : `${w.data.ns} `}${w.data.event} #${w.data.ackId} (${age(w, channel)})`,
      out,
    );
    this.#connectErrors.report(
      RULE.socketioConnectError,
      out,
      (count, examples) =>
        `${plural(count, 'namespace connection')} refused with CONNECT_ERROR: ${examples}.`,
    );
  }

  #heartbeat(a: ProtocolAnnotation): void {
    // A ping while the previous one is still unanswered: that one never got its pong.
    if (this.#ping !== undefined) this.#missing.add(this.#ping);
    this.#gap(this.#anchor, a.time, a.seq);
    this.#anchor = { seq: a.seq, time: a.time, connectionId: a.connectionId, open: false };
    this.#ping = { seq: a.seq, time: a.time, direction: a.direction, connectionId: a.connectionId };
  }

  /** A gap from the anchor to `time` longer than the client waits counts as a late ping. */
  #gap(anchor: Anchor | undefined, time: number, toSeq: number): void {
    const limit = this.#limit();
    if (anchor === undefined || limit === undefined) return;
    const ms = time - anchor.time;
    if (ms <= limit) return;
    this.#lateCount++;
    if (this.#worstGap === undefined || ms > this.#worstGap.ms) {
      this.#worstGap = {
        ms,
        fromSeq: anchor.seq,
        toSeq,
        connectionId: anchor.connectionId,
        fromOpen: anchor.open,
      };
    }
  }

  #limit(): number | undefined {
    return this.#interval === undefined || this.#timeout === undefined
      ? undefined
      : this.#interval + this.#timeout;
  }

  #heartbeatFindings(channel: ChannelCheck, out: Finding[]): void {
    const timeout = this.#timeout;
    const limit = this.#limit();
    if (timeout === undefined || limit === undefined) return;
    const open = this.#openSeq === undefined ? [] : [this.#openSeq];
    // The ping still waiting counts once its pong is overdue (a close before that is no fault).
    const waiting = this.#ping;
    const overdue = waiting !== undefined && channel.at - waiting.time > timeout;
    const missing = this.#missing.count + (overdue ? 1 : 0);
    if (missing > 0) {
      const seqs = [...open, ...this.#missing.seqs, ...(overdue ? [waiting.seq] : [])];
      const late =
        this.#latePongMs > 0 ? ` (the latest came after ${seconds(this.#latePongMs)})` : '';
      out.push(
        finding(
          RULE.socketioPongMissing,
          this.#missing.connectionId ?? waiting?.connectionId ?? '',
          `${plural(missing, 'ping')} got no pong within the pingTimeout of ${seconds(timeout)} the open packet announced${late}: the server closes such connections with "ping timeout".`,
          { seqs: [...new Set(seqs)].sort((x, y) => x - y).slice(0, 20) },
        ),
      );
    }
    // The running gap: since the last ping, up to the close (or now).
    const worst = this.#worstGap;
    const anchor = this.#anchor;
    const tail =
      anchor !== undefined && channel.at - anchor.time > limit
        ? { ms: channel.at - anchor.time, anchor }
        : undefined;
    const count = this.#lateCount + (tail === undefined ? 0 : 1);
    const gap =
      tail !== undefined && (worst === undefined || tail.ms > worst.ms)
        ? {
            ms: tail.ms,
            fromSeq: tail.anchor.seq,
            toSeq: undefined,
            connectionId: tail.anchor.connectionId,
            fromOpen: tail.anchor.open,
          }
        : worst;
    if (count === 0 || gap === undefined) return;
    const where = gap.fromOpen ? 'after the open packet' : 'after a ping';
    const until = gap.toSeq !== undefined ? '' : channel.ended ? ' until the close' : ' up to now';
    out.push(
      finding(
        RULE.socketioPingLate,
        gap.connectionId,
        `No ping for ${seconds(gap.ms)} ${where}${until}, longer than pingInterval + pingTimeout (${seconds(this.#interval ?? 0)} + ${seconds(timeout)}) announced in the open packet${count > 1 ? ` (${count} such gaps)` : ''}: clients close the connection with "ping timeout".`,
        {
          seqs: [
            ...new Set([...open, gap.fromSeq, ...(gap.toSeq === undefined ? [] : [gap.toSeq])]),
          ].sort((x, y) => x - y),
        },
      ),
    );
  }
}
