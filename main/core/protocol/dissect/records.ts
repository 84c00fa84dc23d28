/**
 * NDJSON export lines for protocol views, after the connections and entries (docs/protocols.md):
 * one `protocol-channel` line per channel, one `protocol` line per entry that carried protocol
 * messages, one `pair` line per request linked with its answer, one `unanswered` line per
 * request still waiting. Pure: computed from the store at export time.
 */
import type {
  ProtocolAnnotation,
  ProtocolChannel,
  ProtocolName,
  ProtocolPair,
  UnansweredRequest,
} from '../../../../shared/model/protocol.ts';
import type { SessionStore } from '../../session/store.ts';
import { ProtocolViews } from './protocol-views.ts';

export type ProtocolRecord =
  | ({ type: 'protocol-channel'; connectionId: string } & ProtocolChannel)
  | ({ type: 'protocol' } & ProtocolAnnotation)
  | ({ type: 'pair'; connectionId: string } & ProtocolPair)
  | ({ type: 'unanswered'; connectionId: string } & UnansweredRequest);

export function protocolRecords(
  store: SessionStore,
  overrides?: ReadonlyMap<string, ProtocolName | null>,
): ProtocolRecord[] {
  const views = new ProtocolViews(store, {
    live: false,
    ...(overrides === undefined ? {} : { overrides }),
  });
  try {
    return protocolRecordsOf(views);
  } finally {
    views.dispose();
  }
}

/** The lines of views already built (an export that also runs diagnostics builds them once). */
export function protocolRecordsOf(views: ProtocolViews): ProtocolRecord[] {
  const out: ProtocolRecord[] = [];
  for (const channel of views.channels()) {
    out.push({
      type: 'protocol-channel',
      connectionId: channel.connectionIds[0] ?? '',
      ...channel,
    });
  }
  for (const annotation of views.annotations()) out.push({ type: 'protocol', ...annotation });
  for (const pair of views.pairs()) {
    out.push({ type: 'pair', connectionId: pair.request.connectionId, ...pair });
  }
  for (const waiting of views.unanswered()) {
    out.push({ type: 'unanswered', connectionId: waiting.request.connectionId, ...waiting });
  }
  return out;
}
