import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rowFlags } from '../../../../shared/model/wire.ts';
import type { RowView } from '../../timeline/row-buffer.ts';
import { TimelineRow } from './TimelineRow.tsx';

afterEach(cleanup);

const row: RowView = {
  index: 0,
  seq: 42,
  connectionId: 'conn-1',
  time: 0,
  direction: 'in',
  kind: 'binary',
  payloadSize: 2048,
  wireSize: 300,
  preview: '00 01 02 ff',
  flags: rowFlags.compressed | rowFlags.binaryPreview | rowFlags.hasNotes,
};

function renderRow(patch: Partial<Parameters<typeof TimelineRow>[0]> = {}) {
  const onSelect = vi.fn();
  render(
    <TimelineRow
      row={row}
      time="12:00:00.000"
      connectionLabel="#1"
      selected={false}
      highlighted={false}
      dimmed={false}
      top={44}
      onSelect={onSelect}
      {...patch}
    />,
  );
  return { onSelect, element: screen.getByRole('row') };
}

describe('TimelineRow', () => {
  it('shows the protocol words before the raw preview when a dissector read the entry', () => {
    const { element } = renderRow({ protocolPreview: 'EVENT chat ["hi"]' });
    expect(element.querySelector('.protocol-preview')?.textContent).toBe('EVENT chat ["hi"]');
    expect(element.querySelector('.raw-preview')?.textContent).toBe('00 01 02 ff');
    cleanup();
    expect(renderRow().element.querySelector('.protocol-preview')).toBeNull();
  });

  it('marks a message Telltale injected, edited or dropped', () => {
    renderRow({ row: { ...row, flags: rowFlags.binaryPreview | rowFlags.injected } });
    expect(screen.getAllByRole('cell').at(-1)?.textContent).toBe('injected 00 01 02 ff');
    cleanup();
    renderRow({ row: { ...row, flags: rowFlags.dropped } });
    expect(screen.getAllByRole('cell').at(-1)?.textContent).toBe('dropped 00 01 02 ff');
  });

  it('shows time, direction arrow, kind, payload and wire size, connection and preview', () => {
    const { element } = renderRow();
    const cells = screen.getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells).toEqual(['12:00:00.000', '↓', 'binary', '2 KiB (300 B)', '#1', '⚠ 00 01 02 ff']);
    expect(element.className).toContain('dir-in');
    expect(element.className).toContain('kind-binary');
    expect(element.style.transform).toBe('translateY(44px)');
    expect(element.dataset.seq).toBe('42');
  });

  it('shows no wire size when the message was not compressed', () => {
    renderRow({ row: { ...row, flags: 0, direction: 'out' } });
    const cells = screen.getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells[1]).toBe('↑');
    expect(cells[3]).toBe('2 KiB');
    expect(cells[5]).toBe('00 01 02 ff');
  });

  it('marks selection and highlight, and selects on press', () => {
    const { element, onSelect } = renderRow({ selected: true, highlighted: true });
    expect(element.getAttribute('aria-selected')).toBe('true');
    expect(element.className).toContain('highlighted');
    fireEvent.mouseDown(element);
    expect(onSelect).toHaveBeenCalledWith(42, 'conn-1');
  });

  it('marks the row where an LLM stall ended, with the gap', () => {
    const { element } = renderRow({ stallMs: 1500 });
    expect(element.querySelector('.stall-mark')?.textContent).toContain('⏸ 1.5 s');
  });
});
