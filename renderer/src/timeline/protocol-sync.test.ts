import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectorApi } from '../../../shared/api.ts';
import { emptyOverview, useProtocols } from '../stores/protocols.ts';
import { ProtocolSync } from './protocol-sync.ts';
import { makeOverview } from './test-protocols.ts';

beforeEach(() => {
  vi.useFakeTimers();
  useProtocols.getState().setOverview(emptyOverview);
});
afterEach(() => {
  vi.useRealTimers();
});

function apiAnswering(getProtocols: () => Promise<unknown>): InspectorApi {
  return { getProtocols } as unknown as InspectorApi;
}

describe('ProtocolSync', () => {
  it('turns a burst of change events into one request after the delay', async () => {
    const getProtocols = vi.fn(() => Promise.resolve(makeOverview()));
    const sync = new ProtocolSync(apiAnswering(getProtocols), 100);
    for (let i = 0; i < 50; i++) sync.changed();
    expect(getProtocols).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(getProtocols).toHaveBeenCalledTimes(1);
    expect(useProtocols.getState().overview.channels[0]?.protocol).toBe('jsonrpc');
    sync.changed();
    await vi.advanceTimersByTimeAsync(100);
    expect(getProtocols).toHaveBeenCalledTimes(2);
  });

  it('never overlaps requests, and asks once more after one under way', async () => {
    let release: () => void = () => undefined;
    const getProtocols = vi.fn(
      () =>
        new Promise((resolve) => {
          release = () => {
            resolve(makeOverview());
          };
        }),
    );
    const sync = new ProtocolSync(apiAnswering(getProtocols), 10);
    void sync.refresh();
    void sync.refresh();
    void sync.refresh();
    expect(getProtocols).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(getProtocols).toHaveBeenCalledTimes(2);
  });

  it('keeps the last overview when the core fails, and stops on stop()', async () => {
    const getProtocols = vi.fn(() => Promise.reject(new Error('old core')));
    const sync = new ProtocolSync(apiAnswering(getProtocols), 10);
    useProtocols.getState().setOverview(makeOverview());
    await sync.refresh();
    expect(useProtocols.getState().overview.channels).toHaveLength(1);
    sync.changed();
    sync.stop();
    await vi.advanceTimersByTimeAsync(50);
    expect(getProtocols).toHaveBeenCalledTimes(1);
  });
});
