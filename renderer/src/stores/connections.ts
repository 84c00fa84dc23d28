/** Connection records (a handful to a few thousand), latest state wins, in the order first seen. */
import { create } from 'zustand';
import type { Connection } from '../../../shared/model/connection.ts';

export interface ConnectionsState {
  byId: Record<string, Connection>;
  order: string[];
  upsert(connections: readonly Connection[]): void;
  reset(connections?: readonly Connection[]): void;
}

export const useConnections = create<ConnectionsState>()((set, get) => ({
  byId: {},
  order: [],
  upsert(connections) {
    if (connections.length === 0) return;
    const byId = { ...get().byId };
    const order = [...get().order];
    for (const connection of connections) {
      if (!(connection.id in byId)) order.push(connection.id);
      byId[connection.id] = connection;
    }
    set({ byId, order });
  },
  reset(connections = []) {
    set({ byId: {}, order: [] });
    get().upsert(connections);
  },
}));
