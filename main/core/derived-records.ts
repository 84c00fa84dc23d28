import { diagnosticRecords } from './diagnostics/index.ts';
import { llmSummaryRecords } from './llm/index.ts';
import { protocolRecords } from './protocol/dissect/index.ts';
import type { SessionStore } from './session/store.ts';

/**
 * What an NDJSON export carries beyond connections and entries: the protocol views (channels,
 * messages, pairs, unanswered requests: docs/protocols.md), each LLM stream's summary and each
 * diagnostics finding (`llm` and `diagnostic` lines, docs/session-format.md). Computed from
 * the store at export time, so an opened or imported session gets them too.
 */
export function derivedRecords(store: SessionStore) {
  return (): Iterable<{ type: string; connectionId?: string }> => [
    ...protocolRecords(store),
    ...llmSummaryRecords(store),
    ...diagnosticRecords(store),
  ];
}
