import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act } from '@testing-library/react';
import { findingMarkers, useInsight } from '../../stores/insight.ts';
import { useUi } from '../../stores/ui.ts';
import { FindingsButton, FindingsDialog } from './FindingsDialog.tsx';
import { makeFinding } from '../../timeline/test-insight.ts';
import { FindingsList } from './FindingsList.tsx';

afterEach(cleanup);

describe('FindingsList', () => {
  it('lists findings worst first with their fix, and opens evidence by seq', () => {
    const onSeq = vi.fn();
    render(
      <FindingsList
        findings={[
          makeFinding(),
          makeFinding({
            rule: 'ws.abnormal-close',
            severity: 'error',
            message: 'Closed with 1006.',
            evidence: { seqs: [40, 41], headers: [['content-type', 'text/plain']] },
          }),
        ]}
        onSeq={onSeq}
      />,
    );
    const items = screen.getAllByRole('listitem');
    expect(items[0]?.textContent).toContain('ws.abnormal-close');
    expect(items[0]?.textContent).toContain('content-type: text/plain');
    expect(items[1]?.textContent).toContain('Give every event an id');
    fireEvent.click(screen.getByRole('button', { name: '#41' }));
    expect(onSeq).toHaveBeenCalledWith(41, 'c1');
  });

  it('counts findings per connection with the worst severity', () => {
    const markers = findingMarkers([
      makeFinding(),
      makeFinding({ severity: 'warning' }),
      makeFinding({ connectionId: 'c2' }),
    ]);
    expect(markers.get('c1')).toEqual({ count: 2, worst: 'warning' });
    expect(markers.get('c2')).toEqual({ count: 1, worst: 'info' });
  });

  it('lists every finding of the session from the toolbar, and an evidence seq selects its row', () => {
    act(() => {
      useInsight
        .getState()
        .setFindings([makeFinding(), makeFinding({ connectionId: 'c2', severity: 'warning' })]);
    });
    render(<FindingsButton onOpen={vi.fn()} />);
    const button = screen.getByRole('button', { name: /Findings/ });
    expect(button.querySelector('.severity-warning')?.textContent).toBe('2');
    const onClose = vi.fn();
    render(<FindingsDialog onClose={onClose} />);
    fireEvent.click(screen.getAllByRole('button', { name: '#3' })[1] as HTMLElement);
    expect(useUi.getState().selectedSeq).toBe(3);
    expect(onClose).toHaveBeenCalled();
  });
});
