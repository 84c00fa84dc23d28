/** Test support: a recording proxy in front of a paced loopback server, and stream readers. */
import { request } from 'undici';
import { startProxy } from '../proxy/index.ts';
import { SessionStore } from '../session/store.ts';
import { waitFor } from '../testing/loopback.ts';
import { streamingServer, type RecordedRequest, type StreamPlan } from '../llm/test-wire.ts';

export type Cleanup = () => Promise<void> | void;

export async function proxiedStreams(
  cleanups: Cleanup[],
  plan: (request: RecordedRequest, index: number) => StreamPlan,
) {
  const upstream = await streamingServer(plan);
  cleanups.push(() => upstream.close());
  const store = new SessionStore({ batchIntervalMs: 1 });
  const proxy = await startProxy(store, { port: 0, target: upstream.origin });
  cleanups.push(() => proxy.close());
  return { store, proxyUrl: proxy.url, upstream };
}

/** Reads one stream to its end, as a fetch-based client does (no reconnection of its own). */
export async function readStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await request(url, {
    headers: { accept: 'text/event-stream', ...headers },
  });
  return response.body.text();
}

/** Waits until every recorded connection has ended. */
export async function allEnded(store: SessionStore): Promise<void> {
  await waitFor(
    () => store.connections().every((c) => c.state !== 'open' && c.state !== 'connecting'),
    5000,
    'recorded connections to end',
  );
}
