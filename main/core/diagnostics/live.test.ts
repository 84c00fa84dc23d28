import { afterEach, describe, expect, it } from 'vitest';
import { sseBlock } from '../llm/test-wire.ts';
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
