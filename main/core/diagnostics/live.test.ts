import { afterEach, describe, expect, it } from 'vitest';
import { sseBlock } from '../llm/test-wire.ts';
import { inn, sessionWith, testConnection } from '../protocol/dissect/test-support.ts';
import { ProtocolViews } from '../protocol/dissect/protocol-views.ts';
import { SessionStore } from '../session/store.ts';
import { waitFor } from '../testing/loopback.ts';
import { LiveDiagnostics } from './live.ts';
import { proxiedStreams, type Cleanup } from './test-support.ts';
import type { Finding } from './types.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('live diagnostics', () => {
  it('finds an idle stream while it is still open, from the timer alone, and reports changes only', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: [`retry: 1000\n${sseBlock({ id: '1', data: 'first' })}`],
      keepOpen: true,
    }));
    const live = new LiveDiagnostics(store, { idleTimeoutsMs: [120], tickMs: 20 });
    cleanups.push(() => {
      live.dispose();
    });
    const seen: Finding[][] = [];
    live.onChange((findings) => seen.push(findings));
    const controller = new AbortController();
    const read = fetch(`${proxyUrl}/feed`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    })
      .then((r) => r.text())
      .catch(() => undefined);
    await waitFor(() => live.findings().some((f) => f.rule === 'sse.idle-gap'), 3000, 'idle gap');
    const connection = store.connections()[0];
    expect(connection?.state).toBe('open');
    const finding = live.findings().find((f) => f.rule === 'sse.idle-gap');
    expect(finding?.message).toMatch(/\(at the end\)/);
    // One change: the finding appeared. Its growing idle figure on later ticks is not news.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((findings) => findings.map((f) => f.rule))).toEqual([['sse.idle-gap']]);
    controller.abort();
    await read;
  });
});

describe('live diagnostics of application protocols', () => {
  const url = 'ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket';

  it('reads annotations through views that only catch up (no feed of their own), re-reads them when the user changes the protocol', () => {
    const store = new SessionStore({ batchIntervalMs: 1000 });
    // Not following the feed: whoever the store serves first, LiveDiagnostics catches them up.
    const views = new ProtocolViews(store, { live: false });
    let clock = 2000;
    const live = new LiveDiagnostics(store, {
      protocols: views,
      tickMs: 0,
      now: () => clock,
    });
    cleanups.push(() => {
      live.dispose();
    });
    const seen: string[][] = [];
    live.onChange((findings) => seen.push(findings.map((f) => f.rule)));
    sessionWith(
      testConnection('c', { url }),
      [inn('0{"sid":"abc","upgrades":[],"pingInterval":100,"pingTimeout":50}', 0), inn('2', 100)],
      store,
    );
    store.flush();
    // The ping (at 1100) is not overdue at 1120; it is at 1200.
    clock = 1120;
    expect(live.refresh()).toEqual([]);
    clock = 1200;
    expect(live.refresh().map((f) => [f.rule, f.evidence.seqs])).toEqual([
      ['socketio.pong-missing', [1, 2]],
    ]);
    // Read raw, the connection has no protocol findings any more: told at once.
    views.setProtocol('c', null);
    expect(seen.at(-1)).toEqual([]);
    views.setProtocol('c', undefined);
    expect(seen.at(-1)).toEqual(['socketio.pong-missing']);
  });
});
