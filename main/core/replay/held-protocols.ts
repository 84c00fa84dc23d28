/**
 * Protocol terms of breakpoint rules (`proto:socketio sio.event:chat`, `rpc.method:tools/call`,
 * `pair.latency>500ms`, `unanswered` …) judged on a message the proxy holds. The message is not in
 * the store yet, so the session's protocol views dissect it against its connection's current
 * state without recording it (`ProtocolViews.peek`), once per message and only when a rule asks.
 *
 * For a held message, `pair.latency` is the time since the request it answers, and `unanswered`
 * matches a request that waits for an answer (every request does, while it is held).
 */
import type { ProtocolFilterTerm } from '../../../shared/filter/ast.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { FilterProtocolContext } from '../filter/protocol-context.ts';
import { ProtocolFilterContext } from '../protocol/dissect/protocol-filter.ts';
import type { ProtocolViews } from '../protocol/dissect/protocol-views.ts';

export type ProtocolViewsSource = () => ProtocolViews | undefined;

export class HeldMessageContext implements FilterProtocolContext {
  readonly #views: ProtocolViewsSource;
  #entry: Entry | undefined;
  /** The held message's terms, built on first use: undefined until asked, null for none. */
  #context: ProtocolFilterContext | null | undefined;

  constructor(views: ProtocolViewsSource) {
    this.#views = views;
  }

  /** The message the next matches are about (undefined: none). */
  hold(entry: Entry | undefined): void {
    this.#entry = entry;
    this.#context = undefined;
  }

  matches(term: ProtocolFilterTerm, seq: number): boolean {
    const entry = this.#entry;
    if (entry === undefined || seq !== entry.seq) return false;
    if (this.#context === undefined) this.#context = this.#build(entry);
    return this.#context?.matches(term, seq) ?? false;
  }

  #build(entry: Entry): ProtocolFilterContext | null {
    const peek = this.#views()?.peek(entry);
    if (peek === undefined) return null;
    return new ProtocolFilterContext({
      annotationOf: (seq) => (seq === entry.seq ? peek.annotation : undefined),
      pairsOf: (seq) => (seq === entry.seq ? peek.pairs : []),
      unanswered: () => peek.waits,
    });
  }
}
