/**
 * Breakpoints and rules for the proxy: which messages to pause, drop or rewrite (matched with the
 * filter language, over the message as decoded and its connection: `url:`, `dir:`, content…, and
 * in its application protocol's words once given the session's protocol views: `proto:`,
 * `sio.event:`, `rpc.method:` …, see held-protocols.ts),
 * the queue of paused messages the user decides on (edit and forward, forward, drop), and the
 * handshake rules that change request headers of a WebSocket upgrade.
 *
 * A paused message is forwarded unchanged when nobody decides within `timeoutMs`, so a
 * forgotten breakpoint never kills a connection unnoticed. While a message is paused, the later
 * traffic of the same direction waits behind it (order is never changed); the other direction
 * flows.
 */
import { parseFilter } from '../../../shared/filter/index.ts';
import type { Connection, HeaderList } from '../../../shared/model/connection.ts';
import type { Direction, Entry, EntryKind, Payload } from '../../../shared/model/entry.ts';
import { compileFilter } from '../filter/index.ts';
import type { EntryPredicate } from '../filter/index.ts';
import { HeldMessageContext, type ProtocolViewsSource } from './held-protocols.ts';

export type RuleAction = 'pause' | 'drop' | 'rewrite';

export interface MessageRule {
  id: string;
  /** Filter language text; '' matches every message. */
  filter: string;
  action: RuleAction;
  /** `rewrite`: what is forwarded instead. */
  replacement?: Payload;
  /** Default true. */
  enabled?: boolean;
}

export interface HandshakeRule {
  id: string;
  /** `*` wildcards over the whole upgrade URL (ws://host/path?query); absent: every upgrade. */
  url?: string;
  /** Headers whose every existing value is replaced by this one (added when absent). */
  set?: HeaderList;
  /** Headers appended as they are. */
  add?: HeaderList;
  /** Header names removed (case-insensitive). */
  remove?: string[];
  enabled?: boolean;
}

export class RuleError extends Error {
  readonly code = 'rule.bad-filter';
  readonly ruleId: string;
  constructor(ruleId: string, message: string) {
    super(message);
    this.name = 'RuleError';
    this.ruleId = ruleId;
  }
}

/** A message held by a `pause` rule, as the UI shows it. */
export interface PausedMessage {
  id: string;
  connectionId: string;
  direction: Direction;
  kind: EntryKind;
  payload: Payload;
  ruleId: string;
  pausedAt: number;
  /** When it goes on unchanged if nobody decides. */
  timeoutAt: number;
}

export type Verdict =
  | { action: 'forward' }
  | { action: 'edit'; payload: Payload; ruleId: string }
  | { action: 'drop'; ruleId: string };

export type PauseResolution = 'forwarded' | 'edited' | 'dropped' | 'timed-out';

export interface BreakpointEvents {
  onPause?: (message: PausedMessage) => void;
  onResolve?: (message: PausedMessage, how: PauseResolution) => void;
}

interface CompiledRule {
  rule: MessageRule;
  test: EntryPredicate;
}

interface Waiting {
  message: PausedMessage;
  settle: (verdict: Verdict, how: PauseResolution) => void;
}

let nextPauseId = 0;

export class BreakpointController {
  #rules: CompiledRule[] = [];
  #handshakeRules: HandshakeRule[] = [];
  readonly #waiting = new Map<string, Waiting>();
  readonly #events: BreakpointEvents;
  #protocols: ProtocolViewsSource = () => undefined;
  readonly #held = new HeldMessageContext(() => this.#protocols());
  timeoutMs: number;

  constructor(
    options: BreakpointEvents & { timeoutMs?: number; protocols?: ProtocolViewsSource } = {},
  ) {
    this.#events = options;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (options.protocols !== undefined) this.#protocols = options.protocols;
  }

  /**
   * Where protocol terms are read: the protocol views of the session the proxy records into (a
   * getter: the session may change). Without them, protocol terms match nothing.
   */
  useProtocols(source: ProtocolViewsSource): void {
    this.#protocols = source;
  }

  /** Replaces the message rules; throws RuleError (with the rule id) on a filter that does not parse. */
  setRules(rules: MessageRule[]): void {
    this.#rules = rules.map((rule) => {
      const parsed = parseFilter(rule.filter);
      if (!parsed.ok) {
        throw new RuleError(rule.id, `rule ${rule.id}: ${parsed.error.message}`);
      }
      return { rule, test: compileFilter(parsed.filter, this.#held) };
    });
  }

  rules(): MessageRule[] {
    return this.#rules.map((r) => r.rule);
  }

  setHandshakeRules(rules: HandshakeRule[]): void {
    this.#handshakeRules = [...rules];
  }

  handshakeRules(): HandshakeRule[] {
    return [...this.#handshakeRules];
  }

  /** True when some message rule is on: the proxy then reads messages whole before relaying. */
  get active(): boolean {
    return this.#rules.some((r) => r.rule.enabled !== false);
  }

  /**
   * The first enabled rule that matches, or null. `entry` is the message about to be relayed
   * (not recorded yet): protocol terms read it as its connection's next message.
   */
  match(entry: Entry, connection: Connection | undefined): MessageRule | null {
    this.#held.hold(entry);
    try {
      for (const { rule, test } of this.#rules) {
        if (rule.enabled !== false && test(entry, connection)) return rule;
      }
      return null;
    } finally {
      this.#held.hold(undefined);
    }
  }

  /**
   * What to do with a complete message: forward it, drop it, rewrite it, or (pause) wait for
   * the user or the timeout. Called by the proxy; never rejects.
   */
  decide(entry: Entry, connection: Connection | undefined): Verdict | Promise<Verdict> {
    const rule = this.match(entry, connection);
    if (rule === null) return { action: 'forward' };
    switch (rule.action) {
      case 'drop':
        return { action: 'drop', ruleId: rule.id };
      case 'rewrite':
        return rule.replacement === undefined
          ? { action: 'forward' }
          : { action: 'edit', payload: rule.replacement, ruleId: rule.id };
      case 'pause':
        return this.#pause(entry, rule);
    }
  }

  /** Messages waiting for a decision, oldest first. */
  pending(): PausedMessage[] {
    return [...this.#waiting.values()].map((w) => w.message);
  }

  /** Lets a paused message go, `edited` in place of its payload; false when it is not waiting. */
  forward(id: string, edited?: Payload): boolean {
    const waiting = this.#waiting.get(id);
    if (!waiting) return false;
    if (edited === undefined) waiting.settle({ action: 'forward' }, 'forwarded');
    else
      waiting.settle({ action: 'edit', payload: edited, ruleId: waiting.message.ruleId }, 'edited');
    return true;
  }

  drop(id: string): boolean {
    const waiting = this.#waiting.get(id);
    if (!waiting) return false;
    waiting.settle({ action: 'drop', ruleId: waiting.message.ruleId }, 'dropped');
    return true;
  }

  /** The connection ended: its paused messages are gone with it (told as forwarded). */
  releaseConnection(connectionId: string): void {
    for (const waiting of [...this.#waiting.values()]) {
      if (waiting.message.connectionId === connectionId) {
        waiting.settle({ action: 'forward' }, 'forwarded');
      }
    }
  }

  /** Forwards everything still paused (the proxy is stopping, the rules were cleared). */
  releaseAll(): void {
    for (const waiting of [...this.#waiting.values()])
      waiting.settle({ action: 'forward' }, 'forwarded');
  }

  /** The request headers of an upgrade after the handshake rules that match its URL. */
  applyHandshakeRules(
    url: string,
    headers: HeaderList,
  ): { headers: HeaderList; applied: string[] } {
    let result = headers;
    const applied: string[] = [];
    for (const rule of this.#handshakeRules) {
      if (rule.enabled === false || !urlMatches(rule.url, url)) continue;
      applied.push(rule.id);
      const removed = new Set((rule.remove ?? []).map((n) => n.toLowerCase()));
      for (const [name] of rule.set ?? []) removed.add(name.toLowerCase());
      const kept = result.filter(([name]) => !removed.has(name.toLowerCase()));
      result = [...kept, ...(rule.set ?? []), ...(rule.add ?? [])];
    }
    return { headers: result, applied };
  }

  #pause(entry: Entry, rule: MessageRule): Promise<Verdict> {
    nextPauseId += 1;
    const pausedAt = Date.now();
    const message: PausedMessage = {
      id: `pause-${String(nextPauseId)}`,
      connectionId: entry.connectionId,
      direction: entry.direction,
      kind: entry.kind,
      payload: entry.payload,
      ruleId: rule.id,
      pausedAt,
      timeoutAt: pausedAt + this.timeoutMs,
    };
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        settle({ action: 'forward' }, 'timed-out');
      }, this.timeoutMs);
      const settle = (verdict: Verdict, how: PauseResolution): void => {
        if (!this.#waiting.delete(message.id)) return;
        clearTimeout(timer);
        resolve(verdict);
        this.#events.onResolve?.(message, how);
      };
      this.#waiting.set(message.id, { message, settle });
      this.#events.onPause?.(message);
    });
  }
}

function urlMatches(pattern: string | undefined, url: string): boolean {
  if (pattern === undefined || pattern === '' || pattern === '*') return true;
  if (!pattern.includes('*')) return url.includes(pattern);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(url);
}
