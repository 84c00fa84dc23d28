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
  readonly #unsubscribeViews: (() => void)[] = [];
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #views: ProtocolViews | undefined;
  #revision = -1;
  /** Annotations were read afresh since the last refresh. */
  #reread = false;
  #current: Finding[] = [];
  #signature = '';

  constructor(store: SessionStore, options: LiveDiagnosticsOptions = {}) {
    this.#engine = new DiagnosticsEngine(options);
    this.#now = options.now ?? Date.now;
    this.#views = options.protocols;
    for (const connection of store.connections()) this.#engine.observeConnection(connection);
    for (const entry of store.allEntries()) this.#engine.observeEntry(entry);
    const views = this.#views;
    if (views !== undefined) {
      views.catchUp();
      this.#readAll(views);
      // Annotations as the views make them: held entries are dissected after their own batch.
      this.#unsubscribeViews.push(
        views.onAnnotation((annotation, channelId) => {
          if (views.revision !== this.#revision) this.#readAll(views);
          else this.#engine.observeAnnotation(annotation, channelId);
        }),
        // The user reading a connection as another protocol rebuilds the views between batches.
        views.onChange(() => {
          if (views.revision !== this.#revision) this.#readAll(views);
          if (!this.#reread) return;
          this.#reread = false;
          this.#refresh();
        }),
      );
    }
    this.#unsubscribe = store.subscribe((batch) => {
      for (const connection of batch.connections) this.#engine.observeConnection(connection);
      for (const entry of batch.entries) this.#engine.observeEntry(entry);
      // Whichever of us the store serves first, the views have read this batch now.
      views?.catchUp();
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
    for (const unsubscribe of this.#unsubscribeViews) unsubscribe();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#listeners.clear();
  }

  /** Everything the views have made so far (a start, or a rebuild), read afresh. */
  #readAll(views: ProtocolViews): void {
    this.#revision = views.revision;
    this.#reread = true;
    this.#engine.resetProtocols();
    for (const annotation of views.annotations()) {
      this.#engine.observeAnnotation(
        annotation,
        views.channelOf(annotation.connectionId) ?? annotation.connectionId,
      );
    }
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
