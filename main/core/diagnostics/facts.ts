/**
 * What the rules need to know about one connection, kept up to date entry by entry in O(1): the
 * rules then read these figures instead of walking entries again, so a live session costs one
 * small update per entry and a re-check per changed connection.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { maxEvidenceSeqs, type ResolvedOptions } from './types.ts';

/** Event ids kept per stream for replay checks; beyond this, older ids are not compared. */
const maxIdsKept = 10_000;

export class SeqList {
  readonly seqs: number[] = [];
  count = 0;
  add(seq: number): void {
    this.count++;
    if (this.seqs.length < maxEvidenceSeqs) this.seqs.push(seq);
  }
}

export interface Gap {
  ms: number;
  /** The entry before the gap (undefined: the gap started at the connection's open). */
  fromSeq: number | undefined;
  /** The entry after it (undefined: the gap runs to the close, or to now). */
  toSeq: number | undefined;
}

export class ConnectionFacts {
  connection: Connection;
  readonly #options: ResolvedOptions;
  /** The stream this one reconnects to (set by the engine), for SSE reconnect rules. */
  previous: ConnectionFacts | undefined;

  // Activity (SSE: events and comments; WS: any frame), for idle gaps.
  lastActivityAt: number;
  lastActivitySeq: number | undefined;
  longestGap: Gap = { ms: 0, fromSeq: undefined, toSeq: undefined };
  lastSeq: number | undefined;

  // SSE
  events = 0;
  readonly withoutId = new SeqList();
  retrySeq: number | undefined;
  readonly invalidUtf8 = new SeqList();
  readonly ids = new Set<string>();
  lastEventId = '';
  readonly replayed = new SeqList();
  #clusterStart = 0;
  #clusterCount = 0;
  #clusterFirstSeq = 0;
  #clusterCounted = false;
  #quietBefore = true;
  #lastEventAt: number | undefined;
  readonly bursts = new SeqList();

  // WebSocket
  readonly #pendingPings: { time: number; seq: number; direction: string }[] = [];
  readonly missingPongs = new SeqList();
  pings = 0;
  pongs = 0;
  readonly largeMessages = new SeqList();
  largestMessage = 0;
  readonly badCloses = new SeqList();
  badCloseCodes = new Set<number>();
  readonly violations = new Map<string, SeqList>();
  closeFrameSeq: number | undefined;

  constructor(connection: Connection, options: ResolvedOptions) {
    this.connection = connection;
    this.#options = options;
    this.lastActivityAt = connection.openedAt;
  }

  observe(entry: Entry): void {
    this.lastSeq = entry.seq;
    switch (entry.kind) {
      case 'event':
        this.#event(entry);
        this.#activity(entry);
        break;
      case 'comment':
        this.#activity(entry);
        break;
      case 'text':
      case 'binary':
        this.#activity(entry);
        if (entry.payloadSize > this.#options.largeMessageBytes) this.largeMessages.add(entry.seq);
        if (entry.payloadSize > this.largestMessage) this.largestMessage = entry.payloadSize;
        break;
      case 'ping':
        this.#activity(entry);
        this.pings++;
        this.#expirePings(entry.time);
        this.#pendingPings.push({ time: entry.time, seq: entry.seq, direction: entry.direction });
        break;
      case 'pong':
        this.#activity(entry);
        this.pongs++;
        this.#pong(entry);
        break;
      case 'close':
        this.#activity(entry);
        this.closeFrameSeq ??= entry.seq;
        if (entry.close?.codeValid === false) {
          this.badCloses.add(entry.seq);
          this.badCloseCodes.add(entry.close.code);
        }
        break;
      case 'lifecycle':
      case 'error':
        break;
    }
    const notes = entry.notes;
    if (notes !== undefined) {
      for (const note of notes) {
        if (note.code === 'sse.invalid-utf8') this.invalidUtf8.add(entry.seq);
        else if (note.code.startsWith('ws.') && PROTOCOL_VIOLATIONS.has(note.code)) {
          let list = this.violations.get(note.code);
          if (list === undefined) {
            list = new SeqList();
            this.violations.set(note.code, list);
          }
          list.add(entry.seq);
        }
      }
    }
  }

  /** The longest quiet spell, counting the one still running on an open connection. */
  idleGap(now: number): Gap {
    const c = this.connection;
    const open = c.state === 'open' || c.state === 'connecting';
    const end = open ? now : (c.closedAt ?? this.lastActivityAt);
    const tail = end - this.lastActivityAt;
    if (tail > this.longestGap.ms) {
      return { ms: tail, fromSeq: this.lastActivitySeq, toSeq: undefined };
    }
    return this.longestGap;
  }

  /** Pings still waiting for their pong longer than the timeout (at `now`). */
  overduePings(now: number): number[] {
    this.#expirePings(now);
    return this.missingPongs.seqs;
  }

  #activity(entry: Entry): void {
    const gap = entry.time - this.lastActivityAt;
    if (gap > this.longestGap.ms) {
      this.longestGap = { ms: gap, fromSeq: this.lastActivitySeq, toSeq: entry.seq };
    }
    this.lastActivityAt = entry.time;
    this.lastActivitySeq = entry.seq;
  }

  #event(entry: Entry): void {
    this.events++;
    const sse = entry.sse;
    if (sse?.retry !== undefined) this.retrySeq ??= entry.seq;
    if (sse?.id === undefined || sse.id === '') {
      if (sse?.lastEventId === undefined || sse.lastEventId === '') this.withoutId.add(entry.seq);
    } else {
      if (this.previous?.ids.has(sse.id) === true) this.replayed.add(entry.seq);
      if (this.ids.size < maxIdsKept) this.ids.add(sse.id);
    }
    if (sse !== undefined) this.lastEventId = sse.lastEventId;
    this.#burst(entry);
  }

  /**
   * Buffering by a proxy shows as clumps: several events within a few ms after a quiet spell,
   * where the server wrote them apart. Counted once per clump.
   */
  #burst(entry: Entry): void {
    const o = this.#options;
    const t = entry.time;
    const last = this.#lastEventAt;
    this.#lastEventAt = t;
    if (last === undefined || t - this.#clusterStart > o.burstWindowMs) {
      this.#quietBefore = last === undefined || t - last >= o.burstQuietMs;
      this.#clusterStart = t;
      this.#clusterCount = 1;
      this.#clusterFirstSeq = entry.seq;
      this.#clusterCounted = false;
      return;
    }
    this.#clusterCount++;
    if (!this.#clusterCounted && this.#quietBefore && this.#clusterCount >= o.burstEvents) {
      this.#clusterCounted = true;
      this.bursts.add(this.#clusterFirstSeq);
    }
  }

  #pong(entry: Entry): void {
    // A pong answers the oldest outstanding ping from the other side.
    const i = this.#pendingPings.findIndex((p) => p.direction !== entry.direction);
    if (i >= 0) this.#pendingPings.splice(i, 1);
  }

  #expirePings(now: number): void {
    const pending = this.#pendingPings;
    while (pending.length > 0) {
      const first = pending[0];
      if (first === undefined || now - first.time <= this.#options.pongTimeoutMs) break;
      pending.shift();
      this.missingPongs.add(first.seq);
    }
  }

  /** Pings never answered by the end of a closed connection (judged no later than `now`). */
  settlePings(now: number): void {
    const c = this.connection;
    if (c.state === 'open' || c.state === 'connecting') return;
    const end = c.closedAt ?? this.lastActivityAt;
    this.#expirePings(Math.min(end, now));
  }
}

/** Decoder notes that are the peer's protocol errors (not Telltale's own limits). */
const PROTOCOL_VIOLATIONS = new Set([
  'ws.invalid-utf8',
  'ws.unexpected-mask',
  'ws.missing-mask',
  'ws.reserved-opcode',
  'ws.rsv-bits',
  'ws.control-too-long',
  'ws.control-fragmented',
  'ws.unexpected-continuation',
  'ws.interleaved-data-frame',
  'ws.close-too-short',
  'ws.inflate-error',
  'ws.truncated',
  'ws.data-after-close',
  'ws.invalid-length',
  'ws.unreadable-stream',
]);
