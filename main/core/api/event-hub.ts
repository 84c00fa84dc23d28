import type { EventName, EventPayloads } from '../../../shared/api.ts';

type Listener<E extends EventName> = (payload: EventPayloads[E]) => void;

/**
 * Fan-out of the service's event feeds. A listener that throws is dropped from nothing and
 * stops nothing: the error is reported and delivery goes on (one broken window must not starve
 * another).
 */
export class EventHub {
  readonly #listeners = new Map<EventName, Set<Listener<EventName>>>();
  readonly #onError: (error: unknown) => void;

  constructor(
    onError: (error: unknown) => void = (error) => {
      console.error('telltale: event listener failed:', error);
    },
  ) {
    this.#onError = onError;
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<EventName>);
    return () => {
      set.delete(listener as Listener<EventName>);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
