import { diagnosticRecords } from './diagnostics/index.ts';
import { llmSummaryRecords } from './llm/index.ts';
import { ProtocolViews, protocolRecordsOf } from './protocol/dissect/index.ts';
import type { SessionStore } from './session/store.ts';

/**
 * What an NDJSON export carries beyond connections and entries: the protocol views (channels,
 * messages, pairs, unanswered requests: docs/protocols.md), each LLM stream's summary and each
 * diagnostics finding (`llm` and `diagnostic` lines, docs/session-format.md). Computed from
 * the store at export time, so an opened or imported session gets them too.
 */
export function derivedRecords(store: SessionStore) {
  return (): Iterable<{ type: string; connectionId?: string }> => {
    // One dissection of the session serves both the protocol lines and the diagnostics.
    const protocols = new ProtocolViews(store, { live: false });
    try {
      return [
        ...protocolRecordsOf(protocols),
        ...llmSummaryRecords(store),
        ...diagnosticRecords(store, { protocols }),
      ];
    } finally {
      protocols.dispose();
    }
  };
}
