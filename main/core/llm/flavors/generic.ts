/**
 * Homegrown token streams: `data: {json}` events with the text in one field, chosen by a JSON path
 * or guessed from the first event that has one. `data: [DONE]`, an event named `done`/`end`, or
 * `"done": true` end the answer; an event named `error` is an error.
 */
import {
  asRecord,
  CONTENT,
  NO_CONTENT,
  str,
  type AnswerState,
  type EventEffect,
} from '../answer.ts';
import { getAtPath, guessTextPath, type JsonPath } from '../json-path.ts';
import type { LlmEvent } from './event.ts';

const END_EVENTS = new Set(['done', 'end', 'complete', 'completed', 'finish']);

export class GenericReader {
  #path: JsonPath | undefined;
  readonly #fixed: boolean;

  constructor(path?: JsonPath) {
    this.#path = path;
    this.#fixed = path !== undefined;
  }

  get path(): JsonPath | undefined {
    return this.#path;
  }

  read(event: LlmEvent, answer: AnswerState): EventEffect {
    if (event.data.trim() === '[DONE]' || END_EVENTS.has(event.name)) {
      answer.finished = true;
      return NO_CONTENT;
    }
    const body = asRecord(event.json);
    if (event.name === 'error') {
      answer.error = {
        message: str(body?.message) ?? str(asRecord(body?.error)?.message) ?? event.data,
        seq: event.seq,
      };
      return NO_CONTENT;
    }
    if (event.json === undefined) return NO_CONTENT;
    if (!this.#fixed && this.#path === undefined) this.#path = guessTextPath(event.json);
    const text = this.#path === undefined ? undefined : str(getAtPath(event.json, this.#path));
    if (body?.done === true) answer.finished = true;
    if (body !== undefined) {
      answer.model ??= str(body.model);
      const reason = str(body.finish_reason) ?? str(body.stop_reason) ?? str(body.done_reason);
      if (reason !== undefined) answer.stopReason = reason;
    }
    if (text === undefined || text === '') return NO_CONTENT;
    answer.text.append(text);
    return CONTENT;
  }
}
