import { describe, expect, it, vi } from 'vitest';
import type { InspectorApi, ProtocolEntryDetail } from '../../../shared/api.ts';
import { ProtocolPreviews, previewOf } from './protocol-previews.ts';
import { makeRequestDetail } from './test-protocols.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function apiWith(getProtocolDetail: (seq: number) => Promise<ProtocolEntryDetail | null>) {
  const spy = vi.fn(getProtocolDetail);
  return { spy, api: { getProtocolDetail: spy } as unknown as InspectorApi };
}

describe('previewOf', () => {
  it('joins the summaries of a batch and marks malformed messages', () => {
    const detail = makeRequestDetail();
    const first = detail.annotation.messages[0];
    if (!first) throw new Error('fixture');
    detail.annotation.messages.push({
      ...first,
      index: 1,
      summary: 'bad',
      malformed: { code: 'jsonrpc.version', message: 'x' },
    });
    expect(previewOf(detail)).toBe('→ tools/call #4 · ✗ bad');
    expect(previewOf(null)).toBe('');
  });
});

describe('ProtocolPreviews', () => {
  it('fetches each seq once, caches the answer, and notifies when a summary arrives', async () => {
    const { spy, api } = apiWith((seq) => Promise.resolve(seq === 3 ? makeRequestDetail() : null));
    const previews = new ProtocolPreviews(api);
    const listener = vi.fn();
    previews.subscribe(listener);
    previews.want([3, 4]);
    previews.want([3, 4]);
    expect(previews.get(3)).toBeUndefined();
    await settle();
    expect(previews.get(3)).toBe('→ tools/call #4');
    expect(previews.get(4)).toBe('');
    expect(listener).toHaveBeenCalledTimes(1);
    previews.want([3, 4]);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('keeps at most its capacity, forgetting the oldest, and at most six requests at once', async () => {
    let open = 0;
    let most = 0;
    const { api } = apiWith(async () => {
      open++;
      most = Math.max(most, open);
      await settle();
      open--;
      return makeRequestDetail();
    });
    const previews = new ProtocolPreviews(api, 10);
    previews.want(Array.from({ length: 30 }, (_, i) => i + 1));
    for (let i = 0; i < 20; i++) await settle();
    expect(most).toBe(6);
    expect(previews.get(1)).toBeUndefined();
    expect(previews.get(30)).toBe('→ tools/call #4');
  });

  it('asks only for the rows on screen now: rows that scrolled away before their turn are dropped', async () => {
    const { spy, api } = apiWith(async () => {
      await settle();
      return null;
    });
    const previews = new ProtocolPreviews(api);
    previews.want(Array.from({ length: 40 }, (_, i) => i + 1));
    previews.want(Array.from({ length: 40 }, (_, i) => i + 1001));
    for (let i = 0; i < 30; i++) await settle();
    const asked = spy.mock.calls.map(([seq]) => seq);
    expect(asked.filter((seq) => seq <= 40)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(asked.filter((seq) => seq > 1000)).toHaveLength(40);
  });

  it('drops answers that arrive after clear(), and a failed fetch counts as no summary', async () => {
    let fail = false;
    const { api } = apiWith(() =>
      fail ? Promise.reject(new Error('gone')) : Promise.resolve(makeRequestDetail()),
    );
    const previews = new ProtocolPreviews(api);
    previews.want([1]);
    previews.clear();
    await settle();
    expect(previews.get(1)).toBeUndefined();
    fail = true;
    previews.want([2]);
    await settle();
    expect(previews.get(2)).toBe('');
  });
});
