/**
 * The protocol view of one session store, kept up to date like LlmStreams: what is there when
 * created, then the store's change feed. Per connection a dissector is chosen (subprotocol, URL,
 * header, else sniffing the first data messages; the user may override), entries are dissected
 * as they come, and requests are paired with answers per channel.
 *
 * Memory: one small annotation per dissected entry (summary and key fields, never a full tree),
 * the pairs, and the requests still waiting.
 */
import type { Connection } from '../../../../shared/model/connection.ts';
import type { Entry } from '../../../../shared/model/entry.ts';
import type {
  MessageRef,
  ProtocolAnnotation,
  ProtocolChannel,
  ProtocolChoice,
  ProtocolFallback,
  ProtocolName,
  ProtocolPair,
  UnansweredRequest,
} from '../../../../shared/model/protocol.ts';
import type { SessionStore, StoreBatch } from '../../session/store.ts';
import { detailOf, type ProtocolDetail } from './detail.ts';
import { Pairer } from './pairer.ts';
import { DISSECTORS, dissectorNamed } from './registry.ts';
import { channelIdOf, selectByConnection, type Selection } from './select.ts';
import { isData } from './text.ts';
import type { ConnectionDissector, Dissected, Dissector, PairHint } from './types.ts';

function isHintList(pair: PairHint | readonly PairHint[]): pair is readonly PairHint[] {
  return Array.isArray(pair);
}

/** Data entries sniffed before a connection is left raw. */
export const SNIFF_LIMIT = 8;
/**
 * A dissector whose first this-many messages are all malformed gives the connection up (unless
 * the user chose it).
 */
export const GIVE_UP_AFTER = 8;

export interface ProtocolViewsOptions {
  /** Follow the store's change feed (default true); false reads what is there once. */
  live?: boolean;
  /** Choices saved with a session: connection id → protocol, or null for raw. */
  overrides?: ReadonlyMap<string, ProtocolName | null>;
}

/** What the view would say of a message that is not recorded yet (see `peek`). */
export interface ProtocolPeek {
  annotation: ProtocolAnnotation;
  /** The pairs it would complete (it answers), latency measured to its time. */
  pairs: ProtocolPair[];
  /** The requests it would leave waiting for an answer. */
  waits: UnansweredRequest[];
}

/** One annotation as it is made, with the channel its entry belongs to. */
export type AnnotationListener = (annotation: ProtocolAnnotation, channelId: string) => void;

/** Ids of the connections whose protocol view changed in a batch. */
export type ProtocolChangeListener = (connectionIds: string[]) => void;

interface ChannelState {
  id: string;
  protocol: ProtocolName;
  chosenBy: ProtocolChoice;
  connectionIds: string[];
  messages: number;
  malformed: number;
  pairs: number;
  pairer: Pairer;
  /** Seqs of the channel's annotated entries, ascending (the tables read its newest). */
  seqs: number[];
}

interface ConnectionState {
  decided: boolean;
  dissector?: Dissector;
  by?: ProtocolChoice;
  instance?: ConnectionDissector;
  channel?: ChannelState;
  /** Data entries held while sniffing (at most SNIFF_LIMIT). */
  sniffed: Entry[];
  /** The connection as a dissector last heard of it (see ConnectionDissector.connectionChanged). */
  seen?: Connection;
  /**
   * Chosen, but waiting for the response head before the channel is (a plain exchange's request
   * body comes first; the head may name the session, and says what the answer is).
   */
  awaiting?: Selection;
  good: number;
  bad: number;
}

export class ProtocolViews {
  readonly #store: SessionStore;
  readonly #overrides: Map<string, ProtocolName | null>;
  readonly #fallbacks = new Map<string, ProtocolFallback>();
  readonly #listeners = new Set<ProtocolChangeListener>();
  readonly #annotationListeners = new Set<AnnotationListener>();
  #connections = new Map<string, ConnectionState>();
  #channels = new Map<string, ChannelState>();
  #annotations = new Map<number, ProtocolAnnotation>();
  #pairs: ProtocolPair[] = [];
  /** One pair (most entries end one) or several: no array per entry for the common case. */
  #pairsBySeq = new Map<number, ProtocolPair | ProtocolPair[]>();
  #unsubscribe: (() => void) | undefined;
  #changed = new Set<string>();
  #rebuild = false;
  /** The last store entry read: the change feed may deliver entries `catchUp` already read. */
  #lastSeq = 0;
  #revision = 0;

  constructor(store: SessionStore, options: ProtocolViewsOptions = {}) {
    this.#store = store;
    this.#overrides = new Map(options.overrides ?? []);
    this.#build();
    this.#changed.clear();
    if (options.live !== false) {
      this.#unsubscribe = store.subscribe((batch) => {
        this.#apply(batch);
      });
    }
  }

  /** The protocol messages of one entry, if it carried any. */
  annotationOf(seq: number): ProtocolAnnotation | undefined {
    return this.#annotations.get(seq);
  }

  /**
   * The decoded trees of one entry's protocol messages, built now from the store (with a
   * Socket.IO binary packet's attachments joined in); undefined when the entry has none.
   */
  detailOf(seq: number): ProtocolDetail | undefined {
    const annotation = this.#annotations.get(seq);
    const entry = this.#store.get(seq);
    if (annotation === undefined || entry === undefined) return undefined;
    const store = this.#store;
    const id = entry.connectionId;
    return detailOf(annotation, entry, function* () {
      // The entry's position among its connection's entries, by binary search on seq.
      let low = 0;
      let high = store.countOf(id);
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((store.entryOf(id, mid)?.seq ?? Infinity) <= seq) low = mid + 1;
        else high = mid;
      }
      yield* store.entriesOf(id, low);
    });
  }

  /** Every annotation in seq order. */
  annotations(): ProtocolAnnotation[] {
    return [...this.#annotations.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Pairs in the order their answers came. */
  pairs(): readonly ProtocolPair[] {
    return this.#pairs;
  }

  /** Pairs one end of which is entry `seq`. */
  pairsOf(seq: number): readonly ProtocolPair[] {
    const found = this.#pairsBySeq.get(seq);
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  }

  unanswered(): UnansweredRequest[] {
    return [...this.#channels.values()]
      .flatMap((c) => c.pairer.unanswered())
      .sort((a, b) => a.request.seq - b.request.seq || a.request.index - b.request.index);
  }

  channels(): ProtocolChannel[] {
    return [...this.#channels.values()].map((c) => ({
      id: c.id,
      protocol: c.protocol,
      chosenBy: c.chosenBy,
      connectionIds: [...c.connectionIds],
      messages: c.messages,
      malformed: c.malformed,
      pairs: c.pairs,
      unanswered: c.pairer.waiting,
    }));
  }

  /**
   * The newest `limit` annotated entries of a channel (ascending) with every pair one of them
   * ends, and how many the channel has in all; undefined for an unknown channel.
   */
  channelMessages(
    channelId: string,
    limit: number,
  ): { annotations: ProtocolAnnotation[]; pairs: ProtocolPair[]; total: number } | undefined {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return undefined;
    const seqs = channel.seqs.slice(-limit);
    const annotations: ProtocolAnnotation[] = [];
    const pairs = new Set<ProtocolPair>();
    for (const seq of seqs) {
      const annotation = this.#annotations.get(seq);
      if (annotation !== undefined) annotations.push(annotation);
      for (const pair of this.pairsOf(seq)) pairs.add(pair);
    }
    return { annotations, pairs: [...pairs], total: channel.seqs.length };
  }

  /** The protocol a connection is read as, or undefined when it is shown raw. */
  protocolOf(connectionId: string): ProtocolName | undefined {
    return this.#connections.get(connectionId)?.dissector?.name;
  }

  channelOf(connectionId: string): string | undefined {
    return this.#connections.get(connectionId)?.channel?.id;
  }

  /** Connections whose dissector gave up, and why. */
  fallbacks(): ProtocolFallback[] {
    return [...this.#fallbacks.values()];
  }

  /** The user's choices, to be saved with the session. */
  overrides(): ReadonlyMap<string, ProtocolName | null> {
    return this.#overrides;
  }

  /**
   * The user reads a connection as `name` (null: raw; undefined: back to automatic choice).
   * Everything is rebuilt from the store: O(session), on a user action only.
   */
  setProtocol(connectionId: string, name: ProtocolName | null | undefined): void {
    if (name === undefined) this.#overrides.delete(connectionId);
    else this.#overrides.set(connectionId, name);
    this.#fallbacks.delete(connectionId);
    this.#build();
    this.#changed.clear();
    this.#emit([connectionId]);
  }

  /**
   * Called with each annotation as it is made, in the order made: an entry held (while its
   * connection is sniffed, or until a response head names the session) when it is dissected. A
   * rebuild (`revision` changes first) makes every annotation again, from the start.
   */
  onAnnotation(listener: AnnotationListener): () => void {
    this.#annotationListeners.add(listener);
    return () => this.#annotationListeners.delete(listener);
  }

  onChange(listener: ProtocolChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#listeners.clear();
    this.#annotationListeners.clear();
  }

  /**
   * Reads the entries the store holds but its change feed has not delivered yet, so that the
   * view is current now (a reader that follows the same feed cannot know who is served first).
   * They are not read again when their batch comes.
   */
  catchUp(): void {
    if (this.#store.lastSeq <= this.#lastSeq) return;
    for (const entry of this.#store.allEntries(this.#lastSeq + 1)) {
      this.#observe(entry);
      if (this.#rebuildPending()) {
        this.#build();
        return;
      }
    }
  }

  /**
   * Counts the times the view was built again from the store (a protocol chosen by the user, a
   * dissector giving up): readers that keep what they learnt from annotations start over then.
   */
  get revision(): number {
    return this.#revision;
  }

  /**
   * What the view would say of `entry` if it were recorded next on its connection, changing
   * nothing: the message a breakpoint holds is judged before it is in the store. The view first
   * catches up with the store. Undefined when the entry would carry no protocol message.
   */
  peek(entry: Entry): ProtocolPeek | undefined {
    if (!isData(entry)) return undefined;
    this.catchUp();
    const connection = this.#store.getConnection(entry.connectionId);
    if (connection === undefined) return undefined;
    const state = this.#connections.get(entry.connectionId);
    let out: Dissected[];
    let channel: ChannelState | undefined;
    try {
      if (state?.decided === true) {
        if (state.instance === undefined || state.dissector === undefined) return undefined;
        out = peekWith(state.instance, state.dissector, connection, entry);
        channel = state.channel;
      } else {
        // Undecided: what choosing would pick, with a fresh instance fed what sniffing held.
        let dissector: Dissector | undefined;
        if (state === undefined) {
          const chosen = this.#preselect(connection);
          if (chosen === null) return undefined;
          dissector = chosen?.dissector;
        }
        dissector ??= DISSECTORS.find((d) => d.sniff(entry));
        if (dissector === undefined) return undefined;
        const fresh = dissector.create(connection);
        for (const held of state?.sniffed ?? []) fresh.feed(held);
        out = fresh.feed(entry);
        channel = this.#channels.get(
          channelIdOf(connection, dissector.name, state?.sniffed[0] ?? entry),
        );
      }
    } catch {
      return undefined;
    }
    if (out.length === 0) return undefined;
    const annotation: ProtocolAnnotation = {
      seq: entry.seq,
      connectionId: entry.connectionId,
      direction: entry.direction,
      time: entry.time,
      messages: out.map((d) => d.message),
    };
    const pairs: ProtocolPair[] = [];
    const waits: UnansweredRequest[] = [];
    for (const { message, pair } of out) {
      if (pair === undefined) continue;
      const ref: MessageRef = {
        seq: entry.seq,
        index: message.index,
        connectionId: entry.connectionId,
        time: entry.time,
      };
      for (const hint of isHintList(pair) ? pair : [pair]) {
        if (hint.role === 'request') {
          waits.push({
            protocol: message.protocol,
            kind: hint.kind,
            channelId: channel?.id ?? channelIdOf(connection, message.protocol),
            key: hint.key,
            request: ref,
          });
        } else if (hint.role === 'answer') {
          const done = channel?.pairer.peek(hint, entry.direction, ref);
          if (done !== undefined) pairs.push(done);
        }
      }
    }
    return { annotation, pairs, waits };
  }

  // ── building ───────────────────────────────────────────────────────────────

  #build(): void {
    // Each pass that ends in a fallback adds one connection to #fallbacks, so this ends.
    do {
      // Each pass makes every annotation again: readers that follow them start over.
      this.#revision++;
      this.#rebuild = false;
      this.#lastSeq = 0;
      this.#connections = new Map();
      this.#channels = new Map();
      this.#annotations = new Map();
      this.#pairs = [];
      this.#pairsBySeq = new Map();
      for (const entry of this.#store.allEntries()) {
        this.#observe(entry);
        if (this.#rebuildPending()) break;
      }
    } while (this.#rebuildPending());
  }

  #apply(batch: StoreBatch): void {
    for (const entry of batch.entries) {
      // Already read: by `catchUp`, or by a rebuild that read the whole store.
      if (entry.seq <= this.#lastSeq) continue;
      this.#observe(entry);
      if (this.#rebuildPending()) {
        // The store already holds the rest of the batch: the rebuild reads it.
        this.#build();
        break;
      }
    }
    if (this.#changed.size > 0) {
      const ids = [...this.#changed];
      this.#changed.clear();
      this.#emit(ids);
    }
  }

  #observe(entry: Entry): void {
    this.#lastSeq = entry.seq;
    // Only data carries protocol messages. Choosing waits for the first data entry, so a
    // subprotocol that the handshake's answer brings (after a `connecting` note) is known.
    if (!isData(entry)) {
      // An exchange held for its answer's head: whatever comes next of it (the event stream's
      // `open`, the end) means the head is known.
      const held = this.#connections.get(entry.connectionId);
      if (held?.awaiting !== undefined) this.#decideHeld(held, entry.connectionId);
      return;
    }
    const state = this.#stateOf(entry.connectionId, entry);
    if (state === undefined) return;
    if (state.decided) {
      if (state.instance !== undefined) this.#dissect(state, entry);
      return;
    }
    state.sniffed.push(entry);
    if (state.awaiting !== undefined) {
      if (!this.#answerHeadPending(entry, state.awaiting.dissector)) {
        this.#decideHeld(state, entry.connectionId);
      }
      return;
    }
    // Sniffing: the first data entry some dissector recognises decides the connection.
    const found = DISSECTORS.find((d) => d.sniff(entry));
    if (found === undefined) {
      if (state.sniffed.length >= SNIFF_LIMIT) this.#decide(state, entry.connectionId, undefined);
      return;
    }
    if (this.#answerHeadPending(entry, found)) {
      // A request body recorded before the response head: the head may name the session
      // (MCP's initialize answer brings `Mcp-Session-Id`), so the channel is chosen after it.
      state.awaiting = { dissector: found, by: 'sniff' };
      return;
    }
    const held = state.sniffed;
    this.#decide(state, entry.connectionId, { dissector: found, by: 'sniff' }, held[0]);
    for (const e of held) this.#dissect(state, e);
  }

  /**
   * A plain exchange's request body, before its response head, whose channel the head may still
   * name. One whose request already names it (`?sid=`, `?id=`, a session header) is read at once:
   * its answer may come first on another connection of the channel.
   */
  #answerHeadPending(entry: Entry, dissector: Dissector): boolean {
    if (entry.direction !== 'out') return false;
    const connection = this.#store.getConnection(entry.connectionId);
    if (connection?.kind !== 'http' || connection.response !== undefined) return false;
    return channelIdOf(connection, dissector.name) === connection.id;
  }

  #decideHeld(state: ConnectionState, connectionId: string): void {
    const selection = state.awaiting;
    if (selection === undefined) return;
    state.awaiting = undefined;
    const held = state.sniffed;
    this.#decide(state, connectionId, selection, held[0]);
    for (const e of held) this.#dissect(state, e);
  }

  #stateOf(connectionId: string, first: Entry): ConnectionState | undefined {
    const known = this.#connections.get(connectionId);
    if (known !== undefined) return known;
    const connection = this.#store.getConnection(connectionId);
    if (connection === undefined) return undefined;
    const state: ConnectionState = { decided: false, sniffed: [], good: 0, bad: 0 };
    this.#connections.set(connectionId, state);
    const chosen = this.#preselect(connection);
    if (
      chosen !== undefined &&
      chosen !== null &&
      this.#answerHeadPending(first, chosen.dissector)
    ) {
      // #observe holds the entry until the head comes, as for a sniffed one.
      state.awaiting = chosen;
      return state;
    }
    if (chosen !== undefined) this.#decide(state, connectionId, chosen ?? undefined, first);
    return state;
  }

  /**
   * The choice made before a connection's messages: a dissector, null for raw (a fallback, the
   * user's choice), undefined when sniffing will tell.
   */
  #preselect(connection: Connection): Selection | null | undefined {
    if (this.#fallbacks.has(connection.id)) return null;
    // The view's own override first (setProtocol), else the choice saved on the connection.
    const override = this.#overrides.has(connection.id)
      ? this.#overrides.get(connection.id)
      : connection.protocolChoice;
    if (override === null) return null;
    if (override !== undefined) {
      const dissector = dissectorNamed(override);
      return dissector === undefined ? null : { dissector, by: 'user' };
    }
    return selectByConnection(connection, DISSECTORS);
  }

  #decide(
    state: ConnectionState,
    connectionId: string,
    selection: { dissector: Dissector; by: ProtocolChoice } | undefined,
    first?: Entry,
  ): void {
    state.decided = true;
    state.sniffed = [];
    if (selection === undefined) return;
    const connection = this.#store.getConnection(connectionId) as Connection;
    const { dissector, by } = selection;
    state.dissector = dissector;
    state.by = by;
    state.instance = dissector.create(connection);
    const channelId = channelIdOf(connection, dissector.name, first);
    let channel = this.#channels.get(channelId);
    if (channel === undefined) {
      channel = {
        id: channelId,
        protocol: dissector.name,
        chosenBy: by,
        connectionIds: [],
        messages: 0,
        malformed: 0,
        pairs: 0,
        pairer: new Pairer(dissector.name, channelId),
        seqs: [],
      };
      this.#channels.set(channelId, channel);
    }
    channel.connectionIds.push(connectionId);
    state.channel = channel;
    this.#changed.add(connectionId);
  }

  #dissect(state: ConnectionState, entry: Entry): void {
    const { instance, channel } = state;
    if (instance === undefined || channel === undefined) return;
    let out;
    try {
      if (instance.connectionChanged !== undefined) {
        // The store replaces a connection when it changes (a response head came in).
        const now = this.#store.getConnection(entry.connectionId);
        if (now !== undefined && now !== state.seen) {
          state.seen = now;
          instance.connectionChanged(now);
        }
      }
      out = instance.feed(entry);
    } catch (error) {
      // Dissectors never throw by contract; one that does loses this connection, not the view.
      this.#giveUp(state, entry.connectionId, `dissector failed: ${String(error)}`);
      return;
    }
    if (instance.gaveUp !== undefined) {
      this.#giveUp(state, entry.connectionId, instance.gaveUp);
      return;
    }
    if (out.length === 0) return;
    for (const { message } of out) {
      message.summary = flat(message.summary);
      const { fields } = message;
      for (const key in fields) {
        const value = fields[key];
        if (typeof value === 'string') fields[key] = flat(value);
      }
    }
    const annotation: ProtocolAnnotation = {
      seq: entry.seq,
      connectionId: entry.connectionId,
      direction: entry.direction,
      time: entry.time,
      messages: out.map((d) => d.message),
    };
    this.#annotations.set(entry.seq, annotation);
    for (const listener of this.#annotationListeners) listener(annotation, channel.id);
    channel.seqs.push(entry.seq);
    this.#changed.add(entry.connectionId);
    for (const { message, pair } of out) {
      channel.messages++;
      if (message.malformed === undefined) state.good++;
      else {
        channel.malformed++;
        state.bad++;
      }
      if (pair === undefined) continue;
      const ref = {
        seq: entry.seq,
        index: message.index,
        connectionId: entry.connectionId,
        time: entry.time,
      };
      const hints: readonly PairHint[] = isHintList(pair) ? pair : [pair];
      for (const hint of hints) {
        const done = channel.pairer.observe(hint, entry.direction, ref);
        if (done !== undefined) this.#addPair(channel, done);
      }
    }
    // The user's own choice is kept: they see the messages marked malformed instead.
    if (state.good === 0 && state.bad >= GIVE_UP_AFTER && state.by !== 'user') {
      this.#giveUp(
        state,
        entry.connectionId,
        `the first ${state.bad} messages are not ${channel.protocol}`,
      );
    }
  }

  #addPair(channel: ChannelState, pair: ProtocolPair): void {
    channel.pairs++;
    this.#pairs.push(pair);
    this.#indexPair(pair.request.seq, pair);
    if (pair.answer.seq !== pair.request.seq) this.#indexPair(pair.answer.seq, pair);
  }

  #indexPair(seq: number, pair: ProtocolPair): void {
    const known = this.#pairsBySeq.get(seq);
    if (known === undefined) this.#pairsBySeq.set(seq, pair);
    else if (Array.isArray(known)) known.push(pair);
    else this.#pairsBySeq.set(seq, [known, pair]);
  }

  /** Falls back to raw for this connection alone: rare, so the view is simply rebuilt. */
  #giveUp(state: ConnectionState, connectionId: string, reason: string): void {
    const protocol = state.dissector?.name;
    if (protocol === undefined) return;
    this.#fallbacks.set(connectionId, { connectionId, protocol, reason });
    state.instance = undefined;
    this.#changed.add(connectionId);
    this.#rebuild = true;
  }

  /** A method, not the field: TypeScript would narrow the field across the calls that set it. */
  #rebuildPending(): boolean {
    return this.#rebuild;
  }

  #emit(ids: string[]): void {
    for (const listener of this.#listeners) listener(ids);
  }
}

/**
 * The same text as one flat string. Summaries and clipped previews are built from pieces
 * (template literals make V8 rope strings: a node per piece, and a clipped preview's piece is a
 * slice that keeps the whole JSON it was cut from alive); kept for every message, a flat copy
 * costs a fraction. ToNumber flattens a rope in place; the collector then drops the pieces.
 */
function flat(text: string): string {
  void Number(text);
  return text;
}

/** A connection's dissector run on one entry without touching its state. */
function peekWith(
  instance: ConnectionDissector,
  dissector: Dissector,
  connection: Connection,
  entry: Entry,
): Dissected[] {
  if (instance.peek !== undefined) return instance.peek(entry);
  // No peek: the dissector keeps no state between messages, so a fresh instance says the same.
  return dissector.create(connection).feed(entry);
}
