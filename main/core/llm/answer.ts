import type { LlmError, LlmToolCall, LlmUsage } from './types.ts';

/** Text that grows by pieces: appending is O(piece), reading joins once and keeps the result. */
export class GrowingText {
  #pieces: string[] = [];
  #length = 0;

  append(piece: string): void {
    if (piece === '') return;
    this.#pieces.push(piece);
    this.#length += piece.length;
  }

  get length(): number {
    return this.#length;
  }

  toString(): string {
    if (this.#pieces.length > 1) this.#pieces = [this.#pieces.join('')];
    return this.#pieces[0] ?? '';
  }
}

interface ToolCallState {
  index: number;
  id?: string;
  name: string;
  arguments: GrowingText;
}

/**
 * The answer an LLM stream is building, written by the flavor readers. Everything is kept as it
 * arrives, so an error or abort mid-stream still leaves the partial answer.
 */
export class AnswerState {
  model: string | undefined;
  responseId: string | undefined;
  readonly text = new GrowingText();
  readonly thinking = new GrowingText();
  thinkingSignature: string | undefined;
  stopReason: string | undefined;
  usage: LlmUsage | undefined;
  error: LlmError | undefined;
  /** The API's end marker arrived. */
  finished = false;
  readonly #tools = new Map<number, ToolCallState>();

  toolCall(
    index: number,
    init: { id?: string | undefined; name?: string | undefined } = {},
  ): ToolCallState {
    let call = this.#tools.get(index);
    if (call === undefined) {
      call = { index, name: '', arguments: new GrowingText() };
      this.#tools.set(index, call);
    }
    if (init.id !== undefined && init.id !== '') call.id = init.id;
    if (init.name !== undefined && init.name !== '') call.name = init.name;
    return call;
  }

  hasToolCall(index: number): boolean {
    return this.#tools.has(index);
  }

  mergeUsage(patch: LlmUsage): void {
    const merged: LlmUsage = { ...this.usage };
    for (const [key, value] of Object.entries(patch) as [keyof LlmUsage, number | undefined][]) {
      if (value !== undefined) merged[key] = value;
    }
    this.usage = merged;
  }

  toolCalls(): LlmToolCall[] {
    return [...this.#tools.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({
        index: c.index,
        ...(c.id === undefined ? {} : { id: c.id }),
        name: c.name,
        arguments: c.arguments.toString(),
      }));
  }
}

/** What one event did to the answer. */
export interface EventEffect {
  /** It carried content (text, thinking or tool-call arguments): counts for token timing. */
  content: boolean;
}

export const NO_CONTENT: EventEffect = { content: false };
export const CONTENT: EventEffect = { content: true };

/** Reads JSON without throwing; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  const first = text.charCodeAt(0);
  // Only objects and arrays: a bare word or number is not a structured event.
  if (first !== 0x7b && first !== 0x5b) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A text delta appended to the answer's text or thinking: content when it is a non-empty string. */
export function appendDelta(target: AnswerState['text'], delta: unknown): EventEffect {
  const text = str(delta);
  if (text === undefined || text === '') return NO_CONTENT;
  target.append(text);
  return CONTENT;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
