/** The proxy's latest state, as the core reports it. */
import { create } from 'zustand';
import type { ProxyState } from '../../../shared/api.ts';

export const useProxy = create<{ state: ProxyState | null; set(state: ProxyState): void }>()(
  (set) => ({
    state: null,
    set(state) {
      set({ state });
    },
  }),
);
