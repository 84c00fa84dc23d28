/** Protocol views for renderer tests. */
import type { ProtocolEntryDetail, ProtocolOverview } from '../../../shared/api.ts';
import type { ProtocolChannel } from '../../../shared/model/protocol.ts';

export function makeChannel(patch: Partial<ProtocolChannel> = {}): ProtocolChannel {
  return {
    id: 'ch1',
    protocol: 'jsonrpc',
    chosenBy: 'sniff',
    connectionIds: ['c1'],
    messages: 4,
    malformed: 0,
    pairs: 1,
    unanswered: 1,
    ...patch,
  };
}

export function makeOverview(patch: Partial<ProtocolOverview> = {}): ProtocolOverview {
  return {
    channels: [makeChannel()],
    unanswered: [
      {
        protocol: 'jsonrpc',
        kind: 'call',
        channelId: 'ch1',
        key: '7',
        request: { seq: 12, index: 0, connectionId: 'c1', time: 1000 },
      },
    ],
    fallbacks: [],
    ...patch,
  };
}

/** A JSON-RPC request (seq 3) answered by seq 5 after 42 ms. */
export function makeRequestDetail(): ProtocolEntryDetail {
  return {
    annotation: {
      seq: 3,
      connectionId: 'c1',
      direction: 'out',
      time: 1000,
      messages: [
        {
          protocol: 'jsonrpc',
          kind: 'request',
          index: 0,
          summary: '→ tools/call #4',
          fields: { method: 'tools/call', id: 4 },
        },
      ],
    },
    trees: [{ jsonrpc: '2.0', method: 'tools/call', id: 4, params: { name: 'add' } }],
    pairs: [
      {
        protocol: 'jsonrpc',
        kind: 'call',
        channelId: 'ch1',
        key: '4',
        request: { seq: 3, index: 0, connectionId: 'c1', time: 1000 },
        answer: { seq: 5, index: 0, connectionId: 'c1', time: 1042 },
        latencyMs: 42,
      },
    ],
  };
}
