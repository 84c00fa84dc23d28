/** LLM summaries and findings for renderer tests. */
import type { Finding } from '../../../shared/model/diagnostics.ts';
import type { LlmSummary } from '../../../shared/model/llm.ts';

export function makeSummary(patch: Partial<LlmSummary> = {}): LlmSummary {
  return {
    connectionId: 'c1',
    connectionIds: ['c1'],
    flavor: 'openai-chat',
    model: 'gpt-test',
    text: 'Hello wor',
    toolCalls: [],
    ending: 'streaming',
    timing: {
      startedAt: 0,
      ttftMs: 230,
      durationMs: 2400,
      tokensPerSecond: 41.25,
      tokensSource: 'deltas',
      deltaCount: 12,
      gaps: { p50: 20, p95: 80, max: 1500 },
      stalls: [{ seq: 9, afterSeq: 8, gapMs: 1500 }],
    },
    replayedEvents: 0,
    ...patch,
  };
}

export function makeFinding(patch: Partial<Finding> = {}): Finding {
  return {
    rule: 'sse.no-event-id',
    severity: 'info',
    connectionId: 'c1',
    evidence: { seqs: [3], headers: [] },
    message: 'None of the 4 events had an id.',
    fix: 'Give every event an id so a reconnect can resume.',
    ...patch,
  };
}
