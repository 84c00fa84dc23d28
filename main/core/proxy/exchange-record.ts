import type { Connection, ConnectionKind, HeaderList } from '../../../shared/model/connection.ts';
import type { LifecyclePhase, NewEntry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { now } from '../util/clock.ts';
import { newConnectionId } from '../util/ids.ts';

/** One proxied connection in the store (an HTTP exchange, an SSE stream, a WebSocket, a tunnel). */
export class ExchangeRecord {
  readonly id = newConnectionId();
  readonly store: SessionStore;
  readonly openedAt = now();
  #ended = false;

  constructor(
    store: SessionStore,
    init: { kind: ConnectionKind; url: string; method: string; requestHeaders: HeaderList },
  ) {
    this.store = store;
    store.addConnection({
      id: this.id,
      ...init,
      source: 'proxy',
      state: 'connecting',
      openedAt: this.openedAt,
      bytesOut: 0,
      bytesIn: 0,
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  update(patch: Partial<Connection>): void {
    this.store.updateConnection(this.id, patch);
  }

  append(entry: Omit<NewEntry, 'connectionId'>): void {
    this.store.append({ ...entry, connectionId: this.id });
  }

  lifecycle(phase: LifecyclePhase, text: string): void {
    this.append({
      time: now(),
      direction: 'in',
      kind: 'lifecycle',
      payload: text,
      payloadSize: 0,
      wireSize: 0,
      lifecycle: phase,
    });
  }

  /** Records the final state once; later calls are ignored (several faults may race). */
  end(state: 'closed' | 'aborted' | 'failed', text: string, patch: Partial<Connection> = {}): void {
    if (this.#ended) return;
    this.#ended = true;
    this.update({
      ...patch,
      state,
      closedAt: now(),
      ...(state === 'closed' ? {} : { error: patch.error ?? text }),
    });
    this.lifecycle(state, text);
  }
}
