/**
 * NDJSON export lines for LLM answers: one `{"type":"llm", …}` line per answer, after the
 * connections and entries (see docs/llm.md for the shape). Pure: the session writer adds them.
 */
import type { SessionStore } from '../session/store.ts';
import { LlmStreams } from './llm-streams.ts';
import type { LlmSummary } from './types.ts';

export type LlmRecord = { type: 'llm' } & LlmSummary;

export function llmSummaryRecords(
  store: SessionStore,
  options: { stallMs?: number } = {},
): LlmRecord[] {
  const streams = new LlmStreams(store, { ...options, live: false });
  return streams.summaries().map((summary) => ({ type: 'llm', ...summary }));
}
