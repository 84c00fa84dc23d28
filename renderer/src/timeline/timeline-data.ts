/**
 * Everything the timeline shows, fed from the core: the row buffer, per-connection stats, and the
 * live queries for hiding and highlighting. Boots by subscribing first and loading the session's
 * rows second, so nothing that arrives in between is lost or shown twice.
 */
import type { EntryQuery, InspectorApi } from '../../../shared/api.ts';
import type { EntryRow } from '../../../shared/model/wire.ts';
import { useConnections } from '../stores/connections.ts';
import { useInsight } from '../stores/insight.ts';
import { useProxy } from '../stores/proxy.ts';
import { useUi } from '../stores/ui.ts';
import { ConnectionStats } from './connection-stats.ts';
import { IngestQueue, type FrameScheduler, animationFrame } from './ingest.ts';
import { LiveQuery } from './live-query.ts';
import { ProtocolPreviews } from './protocol-previews.ts';
import { ProtocolSync } from './protocol-sync.ts';
import { RowBuffer } from './row-buffer.ts';

const rowsPerRequest = 50_000;

export class TimelineData {
  readonly buffer = new RowBuffer();
  readonly stats = new ConnectionStats();
  readonly hide: LiveQuery;
  readonly highlight: LiveQuery;
  readonly api: InspectorApi;
  readonly previews: ProtocolPreviews;
  #version = 0;
  #listeners = new Set<() => void>();
  #booting = true;
  #early: EntryRow[][] = [];
  #unsubscribe: (() => void)[] = [];
  readonly #queue: IngestQueue;
  readonly #protocols: ProtocolSync;

  constructor(api: InspectorApi, schedule: FrameScheduler = animationFrame) {
    this.api = api;
    this.#protocols = new ProtocolSync(api);
    this.previews = new ProtocolPreviews(api);
    this.#queue = new IngestQueue((rows) => {
      this.#ingest(rows);
    }, schedule);
    this.hide = new LiveQuery(api, this.buffer, () => {
      this.#bump();
    });
    this.highlight = new LiveQuery(api, this.buffer, () => {
      this.#bump();
    });
  }

  async start(): Promise<void> {
    const api = this.api;
    this.#unsubscribe.push(
      api.onEntries((rows) => {
        if (this.#booting) this.#early.push(rows);
        else this.#queue.push(rows);
      }),
      api.onConnections((connections) => {
        useConnections.getState().upsert(connections);
      }),
      api.onSessionReset(() => {
        // Seqs and connection ids of the old session mean nothing in the new one.
        useUi.getState().selectRow(null);
        useUi.getState().selectConnection(null);
        if (useUi.getState().filter.onlyConnection !== null)
          useUi.getState().setFilter({ onlyConnection: null });
        void this.#reload();
      }),
      api.onSettings((settings) => {
        useUi.getState().applySettings(settings);
      }),
      api.onProxyState((state) => {
        useProxy.getState().set(state);
      }),
      api.onLlm((summaries) => {
        useInsight.getState().upsertLlm(summaries);
      }),
      api.onFindings((findings) => {
        useInsight.getState().setFindings(findings);
      }),
      api.onBreakpoints((state) => {
        useInsight.getState().setBreakpoints(state);
      }),
      api.onProtocols(this.#protocols.changed),
    );
    void api
      .getBreakpoints()
      .then((state) => {
        useInsight.getState().setBreakpoints(state);
      })
      .catch(() => undefined);
    void api
      .listMocks()
      .then((mocks) => {
        useInsight.getState().setMocks(mocks);
      })
      .catch(() => undefined);
    void api
      .getProxyState()
      .then((state) => {
        useProxy.getState().set(state);
      })
      .catch(() => undefined);
    const settings = await api.getSettings();
    useUi.getState().applySettings(settings);
    await this.#reload();
  }

  stop(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#protocols.stop();
    this.hide.dispose();
    this.highlight.dispose();
  }

  /** Sets what to hide and what to highlight (null: nothing). */
  setQueries(hide: EntryQuery | null, highlight: EntryQuery | null): void {
    this.hide.set(hide);
    this.highlight.set(highlight);
  }

  /** Applies queued rows now instead of on the next frame (tests, benches). */
  flush(): void {
    this.#queue.flushNow();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    const offBuffer = this.buffer.subscribe(listener);
    return () => {
      this.#listeners.delete(listener);
      offBuffer();
    };
  };

  /** Changes whenever the rows, or either query's matches, change. */
  getVersion = (): number => this.#version + this.buffer.version * 1_000_000;

  async #reload(): Promise<void> {
    this.#booting = true;
    this.#queue.drop();
    this.buffer.clear();
    this.stats.clear();
    this.previews.clear();
    const connections = await this.api.listConnections();
    useConnections.getState().reset(connections);
    // What the core derived from the old session goes with it; a failure here only hides extras.
    const [summaries, findings] = await Promise.all([
      this.api.listLlmSummaries().catch(() => []),
      this.api.listFindings().catch(() => []),
    ]);
    useInsight.getState().resetLlm(summaries);
    useInsight.getState().setFindings(findings);
    await this.#protocols.refresh();
    const { seqs } = await this.api.queryEntries({});
    for (let i = 0; i < seqs.length; i += rowsPerRequest) {
      this.#ingest(await this.api.getRows(seqs.slice(i, i + rowsPerRequest)));
    }
    this.#booting = false;
    const early = this.#early;
    this.#early = [];
    for (const rows of early) this.#queue.push(rows);
    this.hide.restart();
    this.highlight.restart();
    this.#bump();
  }

  #ingest(rows: EntryRow[]): void {
    const before = this.buffer.length;
    this.buffer.append(rows);
    if (this.buffer.length === before) return;
    this.stats.add(
      before === 0 ? rows : rows.filter((row) => row.seq > this.buffer.seqAt(before - 1)),
    );
    this.hide.rowsAdded();
    this.highlight.rowsAdded();
  }

  #bump(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
