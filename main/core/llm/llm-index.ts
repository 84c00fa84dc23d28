/**
 * Every LLM answer of a session, fed connection by connection and entry by entry (in seq order,
 * a connection before its entries, as the store's change feed delivers them). Connections of a
 * resume chain share one answer: linked by `resumes`, or — for recordings that lack the link,
 * such as proxied reconnects — by a `Last-Event-ID` request header that matches the last event
 * id of an earlier stream to the same URL.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { LlmAssembler } from './assembler.ts';
import { flavorFromRequest } from './detect.ts';
import type { LlmModeOverride, LlmSummary } from './types.ts';

export interface LlmIndexOptions {
  /** Content-delta gap counted as a stall (ms, default 1000). */
  stallMs?: number;
  /** Connections the user set a mode on (by connection id). */
  overrides?: ReadonlyMap<string, LlmModeOverride>;
}

/** Earlier streams per URL remembered for Last-Event-ID matching. */
const RESUME_CANDIDATES = 32;

export class LlmIndex {
  readonly #options: LlmIndexOptions;
  readonly #connections = new Map<string, Connection>();
  readonly #answerOf = new Map<string, LlmAssembler>();
  readonly #byUrl = new Map<string, LlmAssembler[]>();
  readonly #answers: LlmAssembler[] = [];

  constructor(options: LlmIndexOptions = {}) {
    this.#options = options;
  }

  observeConnection(connection: Connection): void {
    this.#connections.set(connection.id, connection);
    const answer = this.#answerOf.get(connection.id);
    if (answer !== undefined) {
      answer.updateConnection(connection);
      return;
    }
    // Known LLM endpoints (and user-set modes) get their answer at once, so an HTTP error
    // before any event still shows as a failed LLM call.
    if (this.#options.overrides?.has(connection.id) === true || flavorFromRequest(connection)) {
      this.#answerFor(connection);
    }
  }

  observeEntry(entry: Entry): void {
    let answer = this.#answerOf.get(entry.connectionId);
    if (answer === undefined) {
      if (entry.kind !== 'event') return;
      const connection = this.#connections.get(entry.connectionId);
      if (connection === undefined) return;
      answer = this.#answerFor(connection);
    }
    answer.feed(entry);
  }

  /** The answer a connection belongs to (any connection of its chain). */
  summaryOf(connectionId: string): LlmSummary | undefined {
    return this.#answerOf.get(connectionId)?.summary();
  }

  /** The id of the answer's first connection, for a connection of any LLM answer. */
  answerIdOf(connectionId: string): string | undefined {
    const answer = this.#answerOf.get(connectionId);
    return answer?.candidate === true && answer.flavor !== undefined
      ? answer.connectionIds[0]
      : undefined;
  }

  summaries(): LlmSummary[] {
    const out: LlmSummary[] = [];
    for (const answer of this.#answers) {
      const summary = answer.summary();
      if (summary !== undefined) out.push(summary);
    }
    return out;
  }

  #answerFor(connection: Connection): LlmAssembler {
    const resumed = this.#resumedAnswer(connection);
    if (resumed !== undefined) {
      resumed.addConnection(connection);
      this.#answerOf.set(connection.id, resumed);
      return resumed;
    }
    const override = this.#options.overrides?.get(connection.id);
    const answer = new LlmAssembler(connection, {
      ...(this.#options.stallMs === undefined ? {} : { stallMs: this.#options.stallMs }),
      ...(override === undefined ? {} : { override }),
    });
    this.#answerOf.set(connection.id, answer);
    this.#answers.push(answer);
    const list = this.#byUrl.get(connection.url) ?? [];
    list.push(answer);
    if (list.length > RESUME_CANDIDATES) list.shift();
    this.#byUrl.set(connection.url, list);
    return answer;
  }

  #resumedAnswer(connection: Connection): LlmAssembler | undefined {
    if (connection.resumes !== undefined) {
      const linked = this.#answerOf.get(connection.resumes);
      if (linked !== undefined) return linked;
    }
    const lastEventId = headerValue(connection, 'last-event-id');
    if (lastEventId === undefined || lastEventId === '') return undefined;
    const candidates = this.#byUrl.get(connection.url) ?? [];
    for (let i = candidates.length - 1; i >= 0; i--) {
      const candidate = candidates[i];
      if (candidate?.lastEventId === lastEventId) return candidate;
    }
    return undefined;
  }
}

function headerValue(connection: Connection, name: string): string | undefined {
  for (const [key, value] of connection.requestHeaders) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
