/**
 * The protocol views the core reports (docs/protocols.md): channels, unanswered requests and
 * fallbacks. One small record per channel, so it lives in zustand; decoded trees do not (they
 * are fetched per entry when it is opened).
 */
import { create } from 'zustand';
import type { ProtocolOverview } from '../../../shared/api.ts';
import type {
  ProtocolChannel,
  ProtocolFallback,
  ProtocolName,
} from '../../../shared/model/protocol.ts';

export const emptyOverview: ProtocolOverview = { channels: [], unanswered: [], fallbacks: [] };

export interface ProtocolsState {
  overview: ProtocolOverview;
  setOverview(overview: ProtocolOverview): void;
}

export const useProtocols = create<ProtocolsState>()((set) => ({
  overview: emptyOverview,
  setOverview(overview) {
    set({ overview });
  },
}));

/** What the connections list shows for one connection. */
export interface ProtocolBadgeInfo {
  protocol: ProtocolName;
  channel?: ProtocolChannel;
  /** Set when the connection is shown raw although this protocol was chosen. */
  fallback?: ProtocolFallback;
}

/** Per connection: its channel's protocol, or the protocol it fell back from. */
export function protocolBadges(overview: ProtocolOverview): Map<string, ProtocolBadgeInfo> {
  const badges = new Map<string, ProtocolBadgeInfo>();
  for (const channel of overview.channels)
    for (const id of channel.connectionIds) badges.set(id, { protocol: channel.protocol, channel });
  // A fallback wins: the connection is read raw whatever its channel said before.
  for (const fallback of overview.fallbacks)
    badges.set(fallback.connectionId, { protocol: fallback.protocol, fallback });
  return badges;
}

/** Short names for badges. */
export const protocolLabels: Record<ProtocolName, string> = {
  jsonrpc: 'JSON-RPC',
  socketio: 'Socket.IO',
  'graphql-transport-ws': 'GraphQL',
  'subscriptions-transport-ws': 'GraphQL (legacy)',
  stomp: 'STOMP',
  signalr: 'SignalR',
  mqtt: 'MQTT',
};
