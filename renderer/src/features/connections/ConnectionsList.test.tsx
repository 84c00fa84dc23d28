import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../../shared/model/connection.ts';
import { TimelineDataContext } from '../../app/data-context.ts';
import { useConnections } from '../../stores/connections.ts';
import { useInsight } from '../../stores/insight.ts';
import { useUi } from '../../stores/ui.ts';
import { makeFinding, makeSummary } from '../../timeline/test-insight.ts';
import { fakeApi } from '../../timeline/fake-api.ts';
import { makeRows } from '../../timeline/test-rows.ts';
import { TimelineData } from '../../timeline/timeline-data.ts';
import { ConnectionsList } from './ConnectionsList.tsx';

afterEach(cleanup);

const base: Connection = {
  id: 'c1',
  kind: 'ws',
  source: 'client',
  url: 'ws://127.0.0.1:1/live',
  method: 'GET',
  requestHeaders: [],
  state: 'open',
  openedAt: 0,
  bytesIn: 0,
  bytesOut: 0,
};

describe('ConnectionsList', () => {
  it('lists connections with kind, source, counts, close code and reconnect link, and narrows the timeline to one', async () => {
    const connections: Connection[] = [
      { ...base, state: 'closed', closeCode: 1001 },
      {
        ...base,
        id: 'c2',
        kind: 'sse',
        url: 'http://127.0.0.1:1/events',
        resumes: 'c1',
        source: 'proxy',
      },
    ];
    const fake = fakeApi(makeRows(1, 5), connections);
    const data = new TimelineData(fake.api, (callback) => setTimeout(callback, 0));
    await data.start();
    render(
      <TimelineDataContext.Provider value={data}>
        <ConnectionsList />
      </TimelineDataContext.Provider>,
    );
    const items = screen.getAllByRole('option');
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain('WS');
    expect(items[0]?.textContent).toContain('5 msg');
    expect(items[0]?.textContent).toContain('close 1001 Going Away');
    expect(items[1]?.textContent).toContain('SSE');
    expect(items[1]?.textContent).toContain('proxy');
    expect(items[1]?.textContent).toContain('↻ resumes #1');
    // A proxied connection cannot be closed from here; only Telltale's own client ones.
    expect(screen.queryAllByRole('button', { name: 'Close' })).toHaveLength(0);

    fireEvent.click(screen.getAllByRole('button', { name: 'Only this' })[1] as HTMLElement);
    expect(useUi.getState().filter.onlyConnection).toBe('c2');
    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(useUi.getState().filter.onlyConnection).toBeNull();

    act(() => {
      fake.emitConnections([{ ...base, id: 'c3', url: 'ws://127.0.0.1:1/new' }]);
    });
    expect(screen.getAllByRole('option')).toHaveLength(3);
    expect(useConnections.getState().order).toEqual(['c1', 'c2', 'c3']);
    data.stop();
  });

  it('marks connections with an LLM answer and with findings (count, worst severity), each opening its view', async () => {
    const fake = fakeApi([], [base]);
    const data = new TimelineData(fake.api, (callback) => setTimeout(callback, 0));
    await data.start();
    render(
      <TimelineDataContext.Provider value={data}>
        <ConnectionsList />
      </TimelineDataContext.Provider>,
    );
    act(() => {
      useInsight.getState().upsertLlm([makeSummary()]);
      useInsight
        .getState()
        .setFindings([
          makeFinding(),
          makeFinding({ severity: 'error', rule: 'ws.abnormal-close' }),
        ]);
    });
    const marker = screen.getByRole('button', { name: '2 findings, worst error' });
    expect(marker.className).toContain('severity-error');
    fireEvent.click(marker);
    expect(useUi.getState().connectionTab).toBe('findings');
    expect(useUi.getState().selectedConnectionId).toBe('c1');
    fireEvent.click(screen.getByRole('button', { name: 'LLM' }));
    expect(useUi.getState().connectionTab).toBe('llm');
    data.stop();
  });
});
