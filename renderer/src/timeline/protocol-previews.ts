/**
 * Timeline previews in protocol words (`EVENT chat ["hi"]`, `→ tools/call #4`). Rows carry no
 * annotations, so the summaries of the rows on screen are fetched by seq, a few at a time, and
 * kept in a small cache; rows of connections without a protocol are never asked about.
 */
import type { InspectorApi } from '../../../shared/api.ts';
import type { ProtocolEntryDetail } from '../../../shared/api.ts';

const defaultCapacity = 4000;
const parallel = 6;

/** One line for an entry: its messages' summaries, malformed ones marked. */
export function previewOf(detail: ProtocolEntryDetail | null): string {
  if (!detail) return '';
  return detail.annotation.messages
    .map((message) => (message.malformed ? `✗ ${message.summary}` : message.summary))
    .join(' · ');
}

export class ProtocolPreviews {
  readonly #api: InspectorApi;
  readonly #capacity: number;
  /** seq → summary ('' when the entry carries no protocol message). Insertion order is age. */
  #cache = new Map<number, string>();
  #wanted: number[] = [];
  #inFlight = new Set<number>();
  #running = 0;
  #generation = 0;
  #version = 0;
  #listeners = new Set<() => void>();

  constructor(api: InspectorApi, capacity = defaultCapacity) {
    this.#api = api;
    this.#capacity = capacity;
  }

  /** The summary, '' for none, undefined while not known yet. */
  get(seq: number): string | undefined {
    return this.#cache.get(seq);
  }

  /**
   * Asks for the summaries of these seqs (the rows on screen); known ones cost nothing. Rows that
   * scrolled away before their turn are dropped, so a flood that moves the screen every frame
   * costs at most one screenful of requests, not one per row that passed by.
   */
  want(seqs: readonly number[]): void {
    this.#wanted = seqs.filter((seq) => !this.#cache.has(seq) && !this.#inFlight.has(seq));
    while (this.#running < parallel && this.#wanted.length > 0) this.#next();
  }

  /** Forgets everything (a new session, or a connection read as another protocol). */
  clear(): void {
    this.#generation++;
    this.#cache.clear();
    this.#wanted = [];
    this.#inFlight.clear();
    this.#bump();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  #next(): void {
    const seq = this.#wanted.shift();
    if (seq === undefined) return;
    const generation = this.#generation;
    this.#inFlight.add(seq);
    this.#running++;
    const done = (summary: string): void => {
      this.#running--;
      if (generation === this.#generation) {
        this.#inFlight.delete(seq);
        this.#cache.set(seq, summary);
        if (this.#cache.size > this.#capacity) {
          const oldest = this.#cache.keys().next();
          if (!oldest.done) this.#cache.delete(oldest.value);
        }
        if (summary !== '') this.#bump();
      }
      if (this.#wanted.length > 0) this.#next();
    };
    this.#api.getProtocolDetail(seq).then(
      (detail) => {
        done(previewOf(detail));
      },
      () => {
        done('');
      },
    );
  }

  #bump(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
