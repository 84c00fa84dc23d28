/**
 * Diagnostics of one session store: what is there when created, then the change feed (live), and
 * a timer so that idle gaps and missing pongs are found while nothing arrives. With the
 * session's protocol views, the application-protocol rules read their annotations too.
 */
import type { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import type { SessionStore } from '../session/store.ts';
import { DiagnosticsEngine } from './engine.ts';
import type { DiagnosticsOptions, Finding } from './types.ts';

export interface LiveDiagnosticsOptions extends DiagnosticsOptions {
  /** Re-check open connections this often (ms, default 5000; 0 never). */
  tickMs?: number;
  /** The clock (tests). */
  now?: () => number;
  /** The protocol views of the same store (live ones): the protocol rules run on them. */
  protocols?: ProtocolViews;
}

export type FindingsListener = (findings: Finding[]) => void;

export class LiveDiagnostics {
  readonly #engine: DiagnosticsEngine;
  readonly #now: () => number;
  readonly #listeners = new Set<FindingsListener>();
  readonly #unsubscribe: () => void;
  readonly #unsubscribeViews: (() => void) | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #views: ProtocolViews | undefined;
  #revision = -1;
  #current: Finding[] = [];
  #signature = '';

  constructor(store: SessionStore, options: LiveDiagnosticsOptions = {}) {
    this.#engine = new DiagnosticsEngine(options);
    this.#now = options.now ?? Date.now;
    this.#views = options.protocols;
    for (const connection of store.connections()) this.#engine.observeConnection(connection);
    for (const entry of store.allEntries()) this.#engine.observeEntry(entry);
    this.#readAnnotations(undefined);
    this.#unsubscribe = store.subscribe((batch) => {
      for (const connection of batch.connections) this.#engine.observeConnection(connection);
      for (const entry of batch.entries) this.#engine.observeEntry(entry);
      this.#readAnnotations(batch.entries);
      this.#refresh();
    });
    // The user reading a connection as another protocol rebuilds the views between batches.
    this.#unsubscribeViews = this.#views?.onChange(() => {
      if (this.#views?.revision === this.#revision) return;
      this.#readAnnotations(undefined);
      this.#refresh();
    });
    const tickMs = options.tickMs ?? 5000;
    if (tickMs > 0) {
      this.#timer = setInterval(() => {
        this.#refresh();
      }, tickMs);
      this.#timer.unref();
    }
    this.#refresh();
  }

  findings(): Finding[] {
    return this.#current;
  }

  /**
   * Called with all current findings when one appears, goes, or changes severity or evidence.
   * Figures in the messages of open connections (idle time) grow between calls: `findings()` has
   * the latest.
   */
  onChange(listener: FindingsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-checks now (a test, or a UI that wants fresh idle figures). */
  refresh(): Finding[] {
    this.#refresh();
    return this.#current;
  }

  dispose(): void {
    this.#unsubscribe();
    this.#unsubscribeViews?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#listeners.clear();
  }

  /**
   * The annotations of `entries` (everything, when undefined or when the views were rebuilt since
   * the last read). The views catch up first: whichever of us the store serves first, they have
   * dissected these entries by now.
   */
  #readAnnotations(entries: readonly { seq: number }[] | undefined): void {
    const views = this.#views;
    if (views === undefined) return;
    views.catchUp();
    const engine = this.#engine;
    const read = (annotation: ReturnType<ProtocolViews['annotationOf']>): void => {
      if (annotation === undefined) return;
      engine.observeAnnotation(
        annotation,
        views.channelOf(annotation.connectionId) ?? annotation.connectionId,
      );
    };
    if (entries === undefined || views.revision !== this.#revision) {
      this.#revision = views.revision;
      engine.resetProtocols();
      for (const annotation of views.annotations()) read(annotation);
      return;
    }
    for (const entry of entries) read(views.annotationOf(entry.seq));
  }

  #refresh(): void {
    const findings = this.#engine.findings(this.#now());
    // Not the message: an open connection's idle figure grows on every tick, which is no news.
    const signature = findings
      .map((f) => `${f.rule}|${f.connectionId}|${f.severity}|${f.evidence.seqs.join(',')}`)
      .join('\n');
    this.#current = findings;
    if (signature === this.#signature) return;
    this.#signature = signature;
    for (const listener of this.#listeners) listener(findings);
  }
}
