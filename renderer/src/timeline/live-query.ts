/**
 * One filter kept current against a growing session: a full query when the filter changes, then
 * incremental queries (`fromSeq`) after new rows arrive, debounced and one at a time. The filter
 * runs in main over full payloads; this side only holds the matching seqs.
 */
import type { EntryQuery, InspectorApi } from '../../../shared/api.ts';
import { MatchSet } from './match-set.ts';
import type { RowBuffer } from './row-buffer.ts';

export class LiveQuery {
  #query: EntryQuery | null = null;
  #key = '';
  #matches: MatchSet | null = null;
  #generation = 0;
  #coveredThrough = 0;
  #inFlight = false;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #error: string | null = null;
  readonly #api: InspectorApi;
  readonly #buffer: RowBuffer;
  readonly #changed: () => void;
  readonly #debounceMs: number;

  constructor(api: InspectorApi, buffer: RowBuffer, changed: () => void, debounceMs = 120) {
    this.#api = api;
    this.#buffer = buffer;
    this.#changed = changed;
    this.#debounceMs = debounceMs;
  }

  /** Null while no query is set, or until the first answer to a new one arrives. */
  get matches(): MatchSet | null {
    return this.#matches;
  }

  get active(): boolean {
    return this.#query !== null;
  }

  get error(): string | null {
    return this.#error;
  }

  set(query: EntryQuery | null): void {
    const key = JSON.stringify(query);
    if (key === this.#key) return;
    this.#key = key;
    this.#query = query;
    this.#generation++;
    this.#coveredThrough = 0;
    this.#error = null;
    if (query === null) {
      this.#matches = null;
      this.#changed();
      return;
    }
    this.#schedule(0);
  }

  /** New rows reached the buffer: map held matches, and ask main about the new seqs soon. */
  rowsAdded(): void {
    if (!this.#query) return;
    if (this.#matches?.resolve(this.#buffer)) this.#changed();
    if (this.#buffer.lastSeq > this.#coveredThrough) this.#schedule(this.#debounceMs);
  }

  /** The session was replaced: start the current query again from scratch. */
  restart(): void {
    this.#generation++;
    this.#coveredThrough = 0;
    this.#matches = this.#query ? new MatchSet() : null;
    if (this.#query) this.#schedule(0);
  }

  dispose(): void {
    this.#generation++;
    clearTimeout(this.#timer);
  }

  #schedule(delay: number): void {
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) {
      if (delay > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, delay);
  }

  async #run(): Promise<void> {
    const query = this.#query;
    if (!query) return;
    const generation = this.#generation;
    const incremental = this.#coveredThrough > 0 && this.#matches !== null;
    const covered = this.#buffer.lastSeq;
    this.#inFlight = true;
    try {
      const result = await this.#api.queryEntries(
        incremental ? { ...query, fromSeq: this.#coveredThrough + 1 } : query,
      );
      if (generation !== this.#generation) return;
      const matches = incremental && this.#matches ? this.#matches : new MatchSet();
      matches.add(result.seqs);
      matches.resolve(this.#buffer);
      this.#matches = matches;
      this.#coveredThrough = Math.max(covered, 1);
      this.#error = null;
      this.#changed();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#error = error instanceof Error ? error.message : String(error);
      this.#changed();
    } finally {
      this.#inFlight = false;
      if (this.#again) {
        this.#again = false;
        this.#schedule(this.#debounceMs);
      } else if (this.#query && this.#buffer.lastSeq > this.#coveredThrough) {
        this.#schedule(this.#debounceMs);
      }
    }
  }
}
