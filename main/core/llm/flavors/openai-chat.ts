/**
 * OpenAI Chat Completions streaming: `chat.completion.chunk` objects, then `data: [DONE]`.
 * Choice 0 is assembled (n > 1 is rare when streaming); tool calls arrive as fragments keyed by
 * `index` — the first carries id and name, later ones only pieces of `arguments`.
 */
import {
  asRecord,
  CONTENT,
  NO_CONTENT,
  num,
  str,
  type AnswerState,
  type EventEffect,
} from '../answer.ts';
import type { LlmEvent } from './event.ts';

export function readOpenAiChat(event: LlmEvent, answer: AnswerState): EventEffect {
  if (event.data.trim() === '[DONE]') {
    answer.finished = true;
    return NO_CONTENT;
  }
  const chunk = asRecord(event.json);
  if (chunk === undefined) return NO_CONTENT;
  const error = asRecord(chunk.error);
  if (error !== undefined) {
    answer.error = {
      ...((str(error.type) ?? str(error.code)) ? { type: str(error.type) ?? str(error.code) } : {}),
      message: str(error.message) ?? 'error',
      seq: event.seq,
    };
    return NO_CONTENT;
  }
  answer.responseId ??= str(chunk.id);
  answer.model ??= str(chunk.model);
  const usage = asRecord(chunk.usage);
  if (usage !== undefined) {
    answer.mergeUsage({
      inputTokens: num(usage.prompt_tokens),
      outputTokens: num(usage.completion_tokens),
      totalTokens: num(usage.total_tokens),
      reasoningTokens: num(asRecord(usage.completion_tokens_details)?.reasoning_tokens),
      cachedInputTokens: num(asRecord(usage.prompt_tokens_details)?.cached_tokens),
    });
  }
  const choices = Array.isArray(chunk.choices) ? (chunk.choices as unknown[]) : [];
  let content = false;
  for (const raw of choices) {
    const choice = asRecord(raw);
    if (choice === undefined || (num(choice.index) ?? 0) !== 0) continue;
    const delta = asRecord(choice.delta);
    if (delta !== undefined) {
      const text = str(delta.content) ?? str(delta.refusal);
      if (text !== undefined && text !== '') {
        answer.text.append(text);
        content = true;
      }
      // Reasoning models served through compatible APIs (DeepSeek, vLLM, OpenRouter) send this.
      const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
      if (reasoning !== undefined && reasoning !== '') {
        answer.thinking.append(reasoning);
        content = true;
      }
      const toolCalls = Array.isArray(delta.tool_calls) ? (delta.tool_calls as unknown[]) : [];
      for (const rawCall of toolCalls) {
        const call = asRecord(rawCall);
        if (call === undefined) continue;
        const fn = asRecord(call.function);
        const state = answer.toolCall(num(call.index) ?? 0, {
          id: str(call.id),
          name: str(fn?.name),
        });
        const args = str(fn?.arguments);
        if (args !== undefined && args !== '') {
          state.arguments.append(args);
          content = true;
        }
      }
    }
    const finish = str(choice.finish_reason);
    if (finish !== undefined) answer.stopReason = finish;
  }
  return content ? CONTENT : NO_CONTENT;
}
