/**
 * One answer: the entries of its connections fed in order, O(delta) each. Detection happens on
 * the way (request path first, then the first telling event); a stream that shows nothing of an
 * LLM after a few events is given up on and costs nothing more.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { AnswerState, parseJson } from './answer.ts';
import { flavorFromEvent, flavorFromRequest, requestAsksForStream } from './detect.ts';
import { readAnthropic } from './flavors/anthropic.ts';
import type { LlmEvent } from './flavors/event.ts';
import { GenericReader } from './flavors/generic.ts';
import { readOpenAiChat } from './flavors/openai-chat.ts';
import { readOpenAiResponses } from './flavors/openai-responses.ts';
import { parseJsonPath } from './json-path.ts';
import { summarizeRequest } from './request.ts';
import { DeltaTiming, round } from './timing.ts';
import type { LlmEnding, LlmFlavor, LlmModeOverride, LlmSummary, LlmTiming } from './types.ts';

/** Events looked at for detection before a stream is taken not to be an LLM stream. */
const DETECTION_EVENTS = 8;

export interface AssemblerOptions {
  /** A gap between content deltas longer than this is a stall (ms). Default 1000. */
  stallMs?: number;
  override?: LlmModeOverride;
}

export class LlmAssembler {
  readonly connectionIds: string[];
  readonly #connections = new Map<string, Connection>();
  readonly #answer = new AnswerState();
  readonly #timing: DeltaTiming;
  readonly #seenIds = new Set<string>();
  readonly #looseGeneric: boolean;
  #flavor: LlmFlavor | undefined;
  #generic: GenericReader | undefined;
  #undetectedEvents = 0;
  #givenUp = false;
  #firstSeq: number | undefined;
  #lastSeq: number | undefined;
  #lastEntryAt: number | undefined;
  #replayed = 0;
  #requestOf: Connection | undefined;
  #request: LlmSummary['request'];
  /** The last event id in force on the chain's last connection (for resume matching). */
  lastEventId = '';

  constructor(first: Connection, options: AssemblerOptions = {}) {
    this.connectionIds = [first.id];
    this.#connections.set(first.id, first);
    this.#timing = new DeltaTiming(options.stallMs ?? 1000);
    const override = options.override;
    if (override !== undefined) {
      this.#flavor = override.flavor;
      if (override.flavor === 'generic') {
        const path = override.textPath === undefined ? undefined : parseJsonPath(override.textPath);
        this.#generic = new GenericReader(path);
      }
    } else {
      this.#flavor = flavorFromRequest(first);
    }
    this.#looseGeneric = requestAsksForStream(first);
  }

  get flavor(): LlmFlavor | undefined {
    return this.#flavor;
  }

  /** False once detection gave up: not an LLM stream. */
  get candidate(): boolean {
    return !this.#givenUp;
  }

  get firstConnection(): Connection {
    return this.#connections.get(this.connectionIds[0] ?? '') as Connection;
  }

  get lastConnection(): Connection {
    return this.#connections.get(this.connectionIds.at(-1) ?? '') as Connection;
  }

  /** A connection that resumes this answer (its `resumes` chain leads here). */
  addConnection(connection: Connection): void {
    if (!this.#connections.has(connection.id)) this.connectionIds.push(connection.id);
    this.#connections.set(connection.id, connection);
  }

  updateConnection(connection: Connection): void {
    if (this.#connections.has(connection.id)) this.#connections.set(connection.id, connection);
  }

  feed(entry: Entry): void {
    if (this.#givenUp) return;
    this.#firstSeq ??= entry.seq;
    this.#lastSeq = entry.seq;
    this.#lastEntryAt = entry.time;
    if (entry.kind !== 'event' || typeof entry.payload !== 'string') return;
    const sse = entry.sse;
    if (sse?.id !== undefined && sse.id !== '') {
      // A reconnect that replays what the answer already has: shown once.
      if (this.#seenIds.has(sse.id)) {
        this.#replayed++;
        return;
      }
      this.#seenIds.add(sse.id);
    }
    if (sse !== undefined) this.lastEventId = sse.lastEventId;
    const event: LlmEvent = {
      seq: entry.seq,
      name: sse?.event ?? 'message',
      data: entry.payload,
      json: parseJson(entry.payload),
    };
    if (this.#flavor === undefined) {
      this.#flavor = flavorFromEvent(event, this.#looseGeneric);
      if (this.#flavor === undefined) {
        if (++this.#undetectedEvents >= DETECTION_EVENTS) this.#givenUp = true;
        return;
      }
    }
    const effect = this.#read(event);
    if (effect) this.#timing.add(entry.time, entry.seq);
  }

  #read(event: LlmEvent): boolean {
    switch (this.#flavor) {
      case 'openai-chat':
        return readOpenAiChat(event, this.#answer).content;
      case 'openai-responses':
        return readOpenAiResponses(event, this.#answer).content;
      case 'anthropic-messages':
        return readAnthropic(event, this.#answer).content;
      case 'generic':
        this.#generic ??= new GenericReader();
        return this.#generic.read(event, this.#answer).content;
      case undefined:
        return false;
    }
  }

  /** The answer so far; undefined while (or once) it is not known to be an LLM stream. */
  summary(): LlmSummary | undefined {
    const flavor = this.#flavor;
    if (flavor === undefined || this.#givenUp) return undefined;
    const answer = this.#answer;
    const first = this.firstConnection;
    const summary: LlmSummary = {
      connectionId: first.id,
      connectionIds: [...this.connectionIds],
      flavor,
      text: answer.text.toString(),
      toolCalls: answer.toolCalls(),
      ending: this.#ending(),
      timing: this.#timingFigures(),
      replayedEvents: this.#replayed,
    };
    if (answer.model !== undefined) summary.model = answer.model;
    if (answer.responseId !== undefined) summary.responseId = answer.responseId;
    if (answer.thinking.length > 0) summary.thinking = answer.thinking.toString();
    if (answer.thinkingSignature !== undefined) {
      summary.thinkingSignature = answer.thinkingSignature;
    }
    if (answer.stopReason !== undefined) summary.stopReason = answer.stopReason;
    if (answer.usage !== undefined) summary.usage = { ...answer.usage };
    const error = answer.error ?? this.#httpError();
    if (error !== undefined) summary.error = error;
    // The body never changes: parsed once per connection object.
    if (this.#requestOf !== first) {
      this.#requestOf = first;
      this.#request = summarizeRequest(first);
    }
    const request = this.#request;
    if (request !== undefined) summary.request = request;
    if (this.#firstSeq !== undefined) summary.firstSeq = this.#firstSeq;
    if (this.#lastSeq !== undefined) summary.lastSeq = this.#lastSeq;
    return summary;
  }

  #httpError(): LlmSummary['error'] {
    const last = this.lastConnection;
    const status = last.response?.status;
    if (status === undefined || status < 400) return undefined;
    return {
      type: `http_${status}`,
      message: (last.response?.body ?? last.response?.statusText ?? '').slice(0, 500),
    };
  }

  #ending(): LlmEnding {
    if (this.#answer.error !== undefined || this.#httpError() !== undefined) return 'error';
    if (this.#answer.finished) return 'complete';
    const state = this.lastConnection.state;
    return state === 'open' || state === 'connecting' || state === 'closing'
      ? 'streaming'
      : 'aborted';
  }

  #timingFigures(): LlmTiming {
    const first = this.firstConnection;
    const last = this.lastConnection;
    const t = this.#timing;
    const usageTokens = this.#answer.usage?.outputTokens;
    const timing: LlmTiming = {
      startedAt: first.openedAt,
      tokensSource: usageTokens === undefined ? 'deltas' : 'usage',
      deltaCount: t.count,
      stalls: [...t.stalls],
    };
    if (t.firstAt !== undefined) {
      timing.firstTokenAt = t.firstAt;
      timing.ttftMs = round(t.firstAt - first.openedAt);
    }
    if (t.lastAt !== undefined) timing.lastTokenAt = t.lastAt;
    const endAt = Math.max(last.closedAt ?? 0, this.#lastEntryAt ?? 0);
    if (endAt > 0) timing.durationMs = round(endAt - first.openedAt);
    if (t.firstAt !== undefined && t.lastAt !== undefined && t.lastAt > t.firstAt) {
      const tokens = usageTokens ?? t.count;
      timing.tokensPerSecond = round(tokens / ((t.lastAt - t.firstAt) / 1000));
    }
    const gaps = t.gapStats();
    if (gaps !== undefined) timing.gaps = gaps;
    return timing;
  }
}
