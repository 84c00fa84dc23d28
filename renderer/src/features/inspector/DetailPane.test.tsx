import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolEntryDetail } from '../../../../shared/api.ts';
import type { WireEntry } from '../../../../shared/model/wire.ts';
import { TimelineDataContext } from '../../app/data-context.ts';
import { useUi } from '../../stores/ui.ts';
import { fakeApi } from '../../timeline/fake-api.ts';
import { TimelineData } from '../../timeline/timeline-data.ts';
import { DetailPane } from './DetailPane.tsx';

afterEach(cleanup);
beforeEach(() => {
  useUi.getState().selectRow(null);
});

/** A binary message: CBOR {"a": [1, h'00ff']} (what the bytes are does not matter here). */
const entry: WireEntry = {
  seq: 5,
  connectionId: 'c1',
  time: 1000,
  direction: 'in',
  kind: 'binary',
  payload: 'oWFhggFCAP8=',
  payloadEncoding: 'base64',
  payloadSize: 8,
  wireSize: 10,
};

const detail: ProtocolEntryDetail = {
  annotation: { seq: 5, connectionId: 'c1', direction: 'in', time: 1000, messages: [] },
  trees: [],
  pairs: [],
  payload: {
    format: 'cbor',
    tree: { a: [1, { $bytes: '00ff', length: 2 }] },
    truncated: false,
  },
};

function show(protocolDetail: ProtocolEntryDetail | null, shown: WireEntry = entry) {
  const fake = fakeApi();
  fake.api.getEntry = () => Promise.resolve(shown);
  fake.api.getProtocolDetail = () => Promise.resolve(protocolDetail);
  const data = new TimelineData(fake.api, (callback) => setTimeout(callback, 0));
  useUi.getState().selectRow(shown.seq, shown.connectionId);
  render(
    <TimelineDataContext.Provider value={data}>
      <DetailPane />
    </TimelineDataContext.Provider>,
  );
}

describe('DetailPane: msgpack/CBOR payload trees', () => {
  it('opens a binary payload on its tree, named by format, and keeps the raw views a tab away', async () => {
    show(detail);
    const tab = await screen.findByRole('tab', { name: 'CBOR' });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    const tree = screen.getByLabelText('CBOR tree');
    expect(tree.querySelector(`[data-path='$.a[1]["$bytes"]']`)?.textContent).toContain('"00ff"');
    expect(screen.queryByRole('note')).toBeNull();

    fireEvent.click(screen.getByRole('tab', { name: 'Hex' }));
    expect(screen.queryByLabelText('CBOR tree')).toBeNull();
    expect(screen.getByRole('tab', { name: 'Hex' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.click(screen.getByRole('tab', { name: 'CBOR' }));
    expect(screen.getByLabelText('CBOR tree')).toBeTruthy();
  });

  it('says when the tree was clipped', async () => {
    show({ ...detail, payload: { format: 'msgpack', tree: [{ $more: 3 }], truncated: true } });
    await screen.findByRole('tab', { name: 'MessagePack' });
    expect(screen.getByRole('note').textContent).toContain('Clipped');
  });

  it('without a tree, a binary payload opens on hex and offers no tree tab', async () => {
    show(null);
    const hex = await screen.findByRole('tab', { name: 'Hex' });
    expect(hex.getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByRole('tab', { name: 'CBOR' })).toBeNull();
    expect(screen.queryByRole('tab', { name: 'MessagePack' })).toBeNull();
  });

  it('a text payload never shows a payload tree, even if one came', async () => {
    show(detail, { ...entry, payload: '{"x":1}', payloadEncoding: undefined, kind: 'text' });
    const json = await screen.findByRole('tab', { name: 'JSON' });
    expect(json.getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByRole('tab', { name: 'CBOR' })).toBeNull();
  });
});
