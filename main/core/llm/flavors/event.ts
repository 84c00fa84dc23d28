import type { AnswerState, EventEffect } from '../answer.ts';

/** One SSE event as the flavor readers see it. */
export interface LlmEvent {
  seq: number;
  /** SSE event type (`message` when none was given). */
  name: string;
  data: string;
  /** `data` parsed as JSON, or undefined when it is not a JSON object/array. */
  json: unknown;
}

export type FlavorReader = (event: LlmEvent, answer: AnswerState) => EventEffect;
