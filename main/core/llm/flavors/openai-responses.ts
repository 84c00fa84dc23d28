/**
 * OpenAI Responses API streaming: typed events named `response.*`. Output items are keyed by
 * `output_index`; function calls announce name and `call_id` in `response.output_item.added` and
 * then send their arguments as `response.function_call_arguments.delta`.
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

export function readOpenAiResponses(event: LlmEvent, answer: AnswerState): EventEffect {
  const body = asRecord(event.json);
  if (body === undefined) return NO_CONTENT;
  const type = str(body.type) ?? event.name;
  switch (type) {
    case 'response.created':
    case 'response.in_progress':
      takeResponse(body.response, answer);
      return NO_CONTENT;
    case 'response.output_item.added': {
      const item = asRecord(body.item);
      if (item?.type === 'function_call' || item?.type === 'custom_tool_call') {
        answer.toolCall(num(body.output_index) ?? 0, {
          id: str(item.call_id) ?? str(item.id),
          name: str(item.name),
        });
      }
      return NO_CONTENT;
    }
    case 'response.output_text.delta':
    case 'response.refusal.delta':
      return appendDelta(answer.text, body.delta);
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      return appendDelta(answer.thinking, body.delta);
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta': {
      const delta = str(body.delta);
      if (delta === undefined || delta === '') return NO_CONTENT;
      answer.toolCall(num(body.output_index) ?? 0).arguments.append(delta);
      return CONTENT;
    }
    case 'response.completed':
      answer.finished = true;
      answer.stopReason = 'completed';
      takeResponse(body.response, answer);
      return NO_CONTENT;
    case 'response.incomplete': {
      answer.finished = true;
      const response = asRecord(body.response);
      const reason = str(asRecord(response?.incomplete_details)?.reason);
      answer.stopReason = reason === undefined ? 'incomplete' : `incomplete: ${reason}`;
      takeResponse(response, answer);
      return NO_CONTENT;
    }
    case 'response.failed': {
      answer.finished = true;
      const response = asRecord(body.response);
      takeResponse(response, answer);
      const error = asRecord(response?.error);
      answer.stopReason = 'failed';
      answer.error = {
        ...(str(error?.code) === undefined ? {} : { type: str(error?.code) }),
        message: str(error?.message) ?? 'response failed',
        seq: event.seq,
      };
      return NO_CONTENT;
    }
    case 'error': {
      const code = str(body.code) ?? str(asRecord(body.error)?.code);
      answer.error = {
        ...(code === undefined ? {} : { type: code }),
        message: str(body.message) ?? str(asRecord(body.error)?.message) ?? 'error',
        seq: event.seq,
      };
      return NO_CONTENT;
    }
    default:
      return NO_CONTENT;
  }
}

function takeResponse(raw: unknown, answer: AnswerState): void {
  const response = asRecord(raw);
  if (response === undefined) return;
  answer.responseId ??= str(response.id);
  answer.model = str(response.model) ?? answer.model;
  const usage = asRecord(response.usage);
  if (usage !== undefined) {
    answer.mergeUsage({
      inputTokens: num(usage.input_tokens),
      outputTokens: num(usage.output_tokens),
      totalTokens: num(usage.total_tokens),
      reasoningTokens: num(asRecord(usage.output_tokens_details)?.reasoning_tokens),
      cachedInputTokens: num(asRecord(usage.input_tokens_details)?.cached_tokens),
    });
  }
}
