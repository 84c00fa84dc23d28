/**
 * Keeps the protocols store in step with the core: `onProtocols` fires with every new message
 * on a dissected connection, so refreshes are debounced and never overlap.
 */
import type { InspectorApi } from '../../../shared/api.ts';
import { useProtocols } from '../stores/protocols.ts';

export const protocolRefreshMs = 250;

export class ProtocolSync {
  readonly #api: InspectorApi;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #again = false;
  #stopped = false;

  constructor(api: InspectorApi, delayMs = protocolRefreshMs) {
    this.#api = api;
    this.#delayMs = delayMs;
  }

  /** Asks for a refresh soon; many calls within the delay make one request. */
  changed = (): void => {
    if (this.#stopped || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refresh();
    }, this.#delayMs);
  };

  /** Fetches the overview now (or once more after the one under way). */
  async refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      const overview = await this.#api.getProtocols();
      if (!this.#stopped) useProtocols.getState().setOverview(overview);
    } catch {
      // An older core or a lost transport: the list simply shows no protocol badges.
    } finally {
      this.#running = false;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.refresh();
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
