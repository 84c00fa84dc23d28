/**
 * Diagnostics of a recorded session (no clock: an open connection is judged up to the session's
 * last known moment), and the NDJSON export lines `{"type":"diagnostic", …}` (docs/diagnostics.md).
 * The protocol rules read the session's protocol views: given, or dissected here.
 */
import { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import type { SessionStore } from '../session/store.ts';
import { DiagnosticsEngine } from './engine.ts';
import type { DiagnosticsOptions, Finding } from './types.ts';

export function diagnoseStore(
  store: SessionStore,
  options: DiagnosticsOptions & { now?: number; protocols?: ProtocolViews } = {},
): Finding[] {
  const engine = new DiagnosticsEngine(options);
  const views = options.protocols ?? new ProtocolViews(store, { live: false });
  views.catchUp();
  let latest = 0;
  for (const connection of store.connections()) {
    engine.observeConnection(connection);
    latest = Math.max(latest, connection.openedAt, connection.closedAt ?? 0);
  }
  for (const entry of store.allEntries()) {
    engine.observeEntry(entry);
    if (entry.time > latest) latest = entry.time;
    const annotation = views.annotationOf(entry.seq);
    if (annotation !== undefined) {
      engine.observeAnnotation(
        annotation,
        views.channelOf(entry.connectionId) ?? entry.connectionId,
      );
    }
  }
  return engine.findings(options.now ?? latest);
}

export type DiagnosticRecord = { type: 'diagnostic' } & Finding;

export function diagnosticRecords(
  store: SessionStore,
  options: DiagnosticsOptions & { protocols?: ProtocolViews } = {},
): DiagnosticRecord[] {
  return diagnoseStore(store, options).map((f) => ({ type: 'diagnostic', ...f }));
}
