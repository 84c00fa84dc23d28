/**
 * One proxy under test, in its own process so its CPU time and RSS are its own:
 *   node bench/proxy-child.ts KIND UPSTREAM_PORT
 * KIND: pipe | pipe-nodelay | telltale | telltale-dissect | telltale-discard | http-proxy |
 * mockttp. All run as reverse proxies to the upstream, so the same client reaches each the same
 * way. Answers {port} once listening, and {cpu, rss, peakRss, entries?, residentPayload?} to
 * every 'usage' message ('reset' starts a phase; 'reset-rss' also samples the peak RSS until
 * 'usage').
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Connection } from '../shared/model/connection.ts';
import type { NewEntry } from '../shared/model/entry.ts';
import { startProxy } from '../main/core/proxy/proxy-server.ts';
import { SessionStore } from '../main/core/session/store.ts';
import { openSpillFile } from '../main/cli/spill-file.ts';
import { ProtocolViews } from '../main/core/protocol/dissect/protocol-views.ts';

const [kind = 'pipe', upstreamPortText = '0'] = process.argv.slice(2);
const upstreamPort = Number(upstreamPortText);
const target = `http://127.0.0.1:${upstreamPort}`;

// RSS is sampled every 10 ms only in the phases that report it ('reset-rss' to the next
// 'usage'): each sample reads /proc, and at 1k echoes/s that would add a fixed cost per echo to
// every path, which flatters the ratios.
let peakRss = process.memoryUsage.rss();
let sampler: NodeJS.Timeout | undefined;

/**
 * Decodes everything and builds every entry, then lets it go: the proxy core's own memory,
 * without the session kept in memory (the app keeps it; the journal keeps it on disk).
 */
function discardingStore(): SessionStore {
  const connections = new Map<string, Connection>();
  const store = {
    addConnection(c: Connection) {
      connections.set(c.id, c);
    },
    updateConnection(id: string, patch: Partial<Connection>) {
      const next = { ...(connections.get(id) as Connection), ...patch };
      if (next.state === 'closed' || next.state === 'aborted' || next.state === 'failed')
        connections.delete(id);
      else connections.set(id, next);
      return next;
    },
    getConnection: (id: string) => connections.get(id),
    append: (entry: NewEntry) => ({ ...entry, seq: 0 }),
  };
  return store as unknown as SessionStore;
}

/** The recording store, when this child has one (for its figures). */
let recording: SessionStore | null = null;
/** The protocol views on it (telltale-dissect), to show that dissection did run. */
let views: ProtocolViews | null = null;

async function start(): Promise<number> {
  switch (kind) {
    case 'pipe':
    case 'pipe-nodelay': {
      // `pipe` keeps Node's defaults (Nagle on: small writes wait to be coalesced, which saves
      // CPU at 1k/s and costs about a millisecond); `pipe-nodelay` sets TCP_NODELAY on both
      // sockets as Telltale does, the like-for-like floor.
      const noDelay = kind === 'pipe-nodelay';
      const server = net.createServer({ noDelay }, (client) => {
        const upstream = net.connect({ port: upstreamPort, host: '127.0.0.1', noDelay });
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'telltale':
    case 'telltale-dissect':
    case 'telltale-discard': {
      // Recording as `telltale proxy` does without --save: a private journal the store spills
      // payloads to past its budget (without one, nothing can be evicted and memory grows).
      let store: SessionStore;
      if (kind === 'telltale-discard') store = discardingStore();
      else {
        store = new SessionStore();
        recording = store;
        const spill = openSpillFile(store);
        process.once('disconnect', () => {
          void spill.close().finally(() => process.exit(0));
        });
        // Protocol dissection on, as the app and `serve` run it (issue 9): views that follow
        // the store's change feed, choose a dissector per connection, annotate and pair.
        if (kind === 'telltale-dissect') views = new ProtocolViews(store);
      }
      const proxy = await startProxy(store, { port: 0, target });
      return proxy.port;
    }
    case 'http-proxy': {
      const { default: httpProxy } = await import('http-proxy');
      const proxy = httpProxy.createProxyServer({ target, ws: true });
      proxy.on('error', () => undefined);
      const server = http.createServer((req, res) => {
        proxy.web(req, res);
      });
      server.on('upgrade', (req, socket, head) => {
        proxy.ws(req, socket, head);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'mockttp': {
      const { getLocal } = await import('mockttp');
      const server = getLocal();
      await server.start();
      await server.forAnyRequest().thenForwardTo(target);
      await server.forAnyWebSocket().thenForwardTo(target);
      return server.port;
    }
    default:
      throw new Error(`unknown proxy kind ${kind}`);
  }
}

const port = await start();
process.on('message', (message) => {
  if (message === 'reset' || message === 'reset-rss') {
    peakRss = process.memoryUsage.rss();
    clearInterval(sampler);
    sampler = undefined;
    if (message === 'reset-rss') {
      sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }, 10);
    }
  }
  if (message === 'usage') {
    clearInterval(sampler);
    sampler = undefined;
  }
  if (message === 'usage' || message === 'reset' || message === 'reset-rss') {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    process.send?.({
      cpu: process.cpuUsage(),
      rss: process.memoryUsage.rss(),
      peakRss,
      ...(recording
        ? { entries: recording.lastSeq, residentPayload: recording.memoryStats().residentBytes }
        : {}),
      ...(views
        ? {
            dissected: views
              .channels()
              .map((c) => `${c.protocol} ${c.messages} messages, ${c.pairs} pairs`)
              .join('; '),
          }
        : {}),
    });
  }
});
// A recording child removes its journal first (see start).
if (kind !== 'telltale' && kind !== 'telltale-dissect')
  process.on('disconnect', () => process.exit(0));
process.send?.({ port });
