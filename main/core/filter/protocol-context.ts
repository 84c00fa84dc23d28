/**
 * What protocol terms (`proto:`, `rpc.method:`, `unanswered`, `pair.latency>…`, …) are
 * evaluated against: the protocol dissection's annotations and pairs, looked up by entry seq.
 * The filter module only knows this interface; main/core/protocol/dissect implements it over
 * its ProtocolViews (`ProtocolFilterContext`). Without one, protocol terms match nothing.
 */
import type { ProtocolFilterTerm } from '../../../shared/filter/ast.ts';

export interface FilterProtocolContext {
  /** Whether the entry with this seq satisfies the term; false for entries it does not know. */
  matches(term: ProtocolFilterTerm, seq: number): boolean;
}
