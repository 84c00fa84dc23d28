import type { EventName, EventPayloads, InspectorEvents } from '../../../shared/api.ts';

type Subscribe = (listener: (payload: EventPayloads[EventName]) => void) => () => void;

/**
 * Subscribes to every event feed of the service and hands each batch to `send` (a MessagePort,
 * a WebSocket, a test channel). The record must name every event, so a new one cannot be left
 * unforwarded by any host.
 */
export function forwardEvents(
  service: InspectorEvents,
  send: (event: EventName, payload: unknown) => void,
): () => void {
  const subscribers: Record<EventName, Subscribe> = {
    entries: (listener) => service.onEntries(listener),
    connections: (listener) => service.onConnections(listener),
    sessionReset: (listener) => service.onSessionReset(listener),
    settings: (listener) => service.onSettings(listener),
    proxyState: (listener) => service.onProxyState(listener),
    llm: (listener) => service.onLlm(listener),
    findings: (listener) => service.onFindings(listener),
    breakpoints: (listener) => service.onBreakpoints(listener),
    protocols: (listener) => service.onProtocols(listener),
  };
  const unsubscribers = (Object.keys(subscribers) as EventName[]).map((event) =>
    subscribers[event]((payload) => {
      send(event, payload);
    }),
  );
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
