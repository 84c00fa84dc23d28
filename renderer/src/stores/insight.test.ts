import { describe, expect, it } from 'vitest';
import { makeSummary } from '../timeline/test-insight.ts';
import { useInsight } from './insight.ts';

describe('insight store', () => {
  it('finds a summary by every connection of its answer and keeps the stall map while stalls do not change', () => {
    const store = useInsight.getState();
    store.resetLlm([]);
    store.upsertLlm([makeSummary({ connectionIds: ['c1', 'c2'] })]);
    expect(useInsight.getState().llmByConnection.c2?.text).toBe('Hello wor');
    const stalls = useInsight.getState().stalls;
    expect([...stalls]).toEqual([[9, 1500]]);
    useInsight
      .getState()
      .upsertLlm([makeSummary({ connectionIds: ['c1', 'c2'], text: 'Hello world' })]);
    expect(useInsight.getState().stalls).toBe(stalls);
    const endings = useInsight.getState().llmEndings;
    expect(endings).toEqual({ c1: 'streaming', c2: 'streaming' });
    useInsight
      .getState()
      .upsertLlm([makeSummary({ connectionIds: ['c1', 'c2'], text: 'Hello w' })]);
    expect(useInsight.getState().llmEndings).toBe(endings);
    const timing = { ...makeSummary().timing, stalls: [] };
    useInsight.getState().upsertLlm([makeSummary({ connectionIds: ['c1', 'c2'], timing })]);
    expect(useInsight.getState().stalls.size).toBe(0);
  });
});
