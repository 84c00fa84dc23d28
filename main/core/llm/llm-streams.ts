/**
 * The LLM answers of one session store, kept up to date: what is there when created, then the
 * store's change feed (live capture). The UI and the service read `summaries()`; `onChange` says
 * which answers moved in a batch.
 */
import type { SessionStore, StoreBatch } from '../session/store.ts';
import { LlmIndex } from './llm-index.ts';
import type { LlmModeOverride, LlmSummary } from './types.ts';

export interface LlmStreamsOptions {
  stallMs?: number;
  /** Follow the store's change feed (default true); false reads what is there once. */
  live?: boolean;
}

export type LlmChangeListener = (answerIds: string[]) => void;

export class LlmStreams {
  readonly #store: SessionStore;
  readonly #options: LlmStreamsOptions;
  readonly #overrides = new Map<string, LlmModeOverride>();
  readonly #listeners = new Set<LlmChangeListener>();
  #index: LlmIndex;
  #unsubscribe: (() => void) | undefined;

  constructor(store: SessionStore, options: LlmStreamsOptions = {}) {
    this.#store = store;
    this.#options = options;
    this.#index = this.#build();
    if (options.live !== false) {
      this.#unsubscribe = store.subscribe((batch) => {
        this.#apply(batch);
      });
    }
  }

  summaries(): LlmSummary[] {
    return this.#index.summaries();
  }

  summaryOf(connectionId: string): LlmSummary | undefined {
    return this.#index.summaryOf(connectionId);
  }

  /**
   * The user says how a connection is to be read (e.g. generic with a text path). The answers
   * are rebuilt from the store: O(session), on a user action only.
   */
  setMode(connectionId: string, override: LlmModeOverride | undefined): void {
    if (override === undefined) this.#overrides.delete(connectionId);
    else this.#overrides.set(connectionId, override);
    this.#index = this.#build();
    const answerId = this.#index.answerIdOf(connectionId);
    this.#emit(answerId === undefined ? [] : [answerId]);
  }

  onChange(listener: LlmChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#listeners.clear();
  }

  #build(): LlmIndex {
    const index = new LlmIndex({
      ...(this.#options.stallMs === undefined ? {} : { stallMs: this.#options.stallMs }),
      overrides: this.#overrides,
    });
    const store = this.#store;
    // Connections first, then entries in seq order: what the change feed guarantees too.
    for (const connection of store.connections()) index.observeConnection(connection);
    for (const entry of store.allEntries()) index.observeEntry(entry);
    return index;
  }

  #apply(batch: StoreBatch): void {
    const index = this.#index;
    const changed = new Set<string>();
    for (const connection of batch.connections) {
      index.observeConnection(connection);
      const id = index.answerIdOf(connection.id);
      if (id !== undefined) changed.add(id);
    }
    for (const entry of batch.entries) {
      index.observeEntry(entry);
      const id = index.answerIdOf(entry.connectionId);
      if (id !== undefined) changed.add(id);
    }
    if (changed.size > 0) this.#emit([...changed]);
  }

  #emit(ids: string[]): void {
    for (const listener of this.#listeners) listener(ids);
  }
}
