/** LLM summary figures as the view prints them (pure, tested). */
import type { LlmFlavor, LlmSummary } from '../../../../shared/model/llm.ts';

export const flavorLabels: Record<LlmFlavor, string> = {
  'openai-chat': 'OpenAI Chat Completions',
  'openai-responses': 'OpenAI Responses',
  'anthropic-messages': 'Anthropic Messages',
  generic: 'Generic token stream',
};

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function tokensPerSecondText(summary: LlmSummary): string {
  const rate = summary.timing.tokensPerSecond;
  if (rate === undefined) return '—';
  return `${rate.toFixed(1)} tok/s (${summary.timing.tokensSource === 'usage' ? 'from usage' : 'one per delta'})`;
}

export function usageText(summary: LlmSummary): string {
  const usage = summary.usage;
  if (!usage) return '—';
  const parts: string[] = [];
  if (usage.inputTokens !== undefined) parts.push(`${usage.inputTokens} in`);
  if (usage.cachedInputTokens !== undefined) parts.push(`${usage.cachedInputTokens} cached`);
  if (usage.outputTokens !== undefined) parts.push(`${usage.outputTokens} out`);
  if (usage.reasoningTokens !== undefined) parts.push(`${usage.reasoningTokens} reasoning`);
  if (usage.totalTokens !== undefined) parts.push(`${usage.totalTokens} total`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

export function endingText(summary: LlmSummary): string {
  switch (summary.ending) {
    case 'streaming':
      return 'streaming…';
    case 'complete':
      return 'complete';
    case 'error':
      return `error${summary.error ? `: ${summary.error.type ? `${summary.error.type} ` : ''}${summary.error.message}` : ''}`;
    case 'aborted':
      return 'aborted: the connection ended without an end marker (partial answer kept)';
  }
}

/** Tool-call arguments pretty-printed once they are complete JSON, as received before that. */
export function argumentsText(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
