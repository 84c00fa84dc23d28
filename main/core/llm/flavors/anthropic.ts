/**
 * Anthropic Messages streaming: `message_start`, content blocks (`content_block_start` /
 * `_delta` / `_stop`, keyed by `index`), `ping`, `message_delta` (stop reason, cumulative output
 * usage), `message_stop`, and `error` events that may arrive mid-stream.
 */
import {
  appendDelta,
  asRecord,
  CONTENT,
  NO_CONTENT,
  num,
  str,
  type AnswerState,
  type EventEffect,
} from '../answer.ts';
import type { LlmEvent } from './event.ts';

export function readAnthropic(event: LlmEvent, answer: AnswerState): EventEffect {
  const body = asRecord(event.json);
  if (body === undefined) return NO_CONTENT;
  const type = str(body.type) ?? event.name;
  switch (type) {
    case 'message_start': {
      const message = asRecord(body.message);
      answer.responseId ??= str(message?.id);
      answer.model ??= str(message?.model);
      takeUsage(message?.usage, answer);
      return NO_CONTENT;
    }
    case 'content_block_start': {
      const block = asRecord(body.content_block);
      const index = num(body.index) ?? 0;
      if (block?.type === 'tool_use' || block?.type === 'server_tool_use') {
        answer.toolCall(index, { id: str(block.id), name: str(block.name) });
      } else if (block?.type === 'text') {
        return appendDelta(answer.text, block.text);
      } else if (block?.type === 'thinking') {
        return appendDelta(answer.thinking, block.thinking);
      }
      return NO_CONTENT;
    }
    case 'content_block_delta': {
      const delta = asRecord(body.delta);
      switch (delta?.type) {
        case 'text_delta':
          return appendDelta(answer.text, delta.text);
        case 'thinking_delta':
          return appendDelta(answer.thinking, delta.thinking);
        case 'signature_delta':
          answer.thinkingSignature = str(delta.signature) ?? answer.thinkingSignature;
          return NO_CONTENT;
        case 'input_json_delta': {
          const partial = str(delta.partial_json);
          if (partial === undefined || partial === '') return NO_CONTENT;
          answer.toolCall(num(body.index) ?? 0).arguments.append(partial);
          return CONTENT;
        }
        default:
          return NO_CONTENT;
      }
    }
    case 'message_delta': {
      const delta = asRecord(body.delta);
      answer.stopReason = str(delta?.stop_reason) ?? answer.stopReason;
      takeUsage(body.usage, answer);
      return NO_CONTENT;
    }
    case 'message_stop':
      answer.finished = true;
      return NO_CONTENT;
    case 'error': {
      const error = asRecord(body.error);
      answer.error = {
        ...(str(error?.type) === undefined ? {} : { type: str(error?.type) }),
        message: str(error?.message) ?? 'error',
        seq: event.seq,
      };
      return NO_CONTENT;
    }
    default:
      return NO_CONTENT;
  }
}

function takeUsage(raw: unknown, answer: AnswerState): void {
  const usage = asRecord(raw);
  if (usage === undefined) return;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  const cacheRead = num(usage.cache_read_input_tokens);
  answer.mergeUsage({ inputTokens: input, outputTokens: output, cachedInputTokens: cacheRead });
  const merged = answer.usage;
  if (merged?.inputTokens !== undefined && merged.outputTokens !== undefined) {
    merged.totalTokens = merged.inputTokens + merged.outputTokens;
  }
}
