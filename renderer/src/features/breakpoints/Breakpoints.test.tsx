import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PausedMessage } from '../../../../shared/model/replay.ts';
import { PausedQueue } from './PausedQueue.tsx';
import { HandshakeRules, MessageRules } from './RuleEditors.tsx';
import { parseHeaderLines } from './rules.ts';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const paused: PausedMessage = {
  id: 'p1',
  connectionId: 'c1',
  direction: 'out',
  kind: 'text',
  payload: '{"qty":1}',
  ruleId: 'r1',
  pausedAt: 1_000,
  timeoutAt: 61_000,
};

describe('MessageRules', () => {
  it('validates the filter as you type and applies only valid rules', async () => {
    const apply = vi.fn(() => Promise.resolve());
    render(<MessageRules rules={[]} apply={apply} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const filter = screen.getByRole('textbox', { name: 'Rule filter' });
    fireEvent.change(filter, { target: { value: 'json:qty>' } });
    expect(filter.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Apply rules' }).disabled).toBe(
      true,
    );
    fireEvent.change(filter, { target: { value: 'dir:out json:qty>0' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Action' }), {
      target: { value: 'rewrite' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Replacement' }), {
      target: { value: '{"qty":2}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply rules' }));
    await waitFor(() => {
      expect(apply).toHaveBeenCalledWith([
        expect.objectContaining({
          filter: 'dir:out json:qty>0',
          action: 'rewrite',
          replacement: '{"qty":2}',
          enabled: true,
        }),
      ]);
    });
    await screen.findByText('Applied 1 rule.');
  });
});

describe('MessageRules sync', () => {
  it('takes rules the core reports later unless the form holds edits', () => {
    const apply = vi.fn(() => Promise.resolve());
    const { rerender } = render(<MessageRules rules={[]} apply={apply} />);
    rerender(
      <MessageRules rules={[{ id: 'r1', filter: 'dir:in', action: 'drop' }]} apply={apply} />,
    );
    const filter = screen.getByRole<HTMLInputElement>('textbox', { name: 'Rule filter' });
    expect(filter.value).toBe('dir:in');
    fireEvent.change(filter, { target: { value: 'dir:out' } });
    rerender(
      <MessageRules rules={[{ id: 'r2', filter: 'kind:text', action: 'pause' }]} apply={apply} />,
    );
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Rule filter' }).value).toBe(
      'dir:out',
    );
  });
});

describe('HandshakeRules', () => {
  it('turns header lines into set/add/remove', async () => {
    const apply = vi.fn(() => Promise.resolve());
    render(<HandshakeRules rules={[{ id: 'h1', url: 'ws://a/*' }]} apply={apply} />);
    fireEvent.change(screen.getByLabelText('Set (Name: value per line)'), {
      target: { value: 'Authorization: Bearer x' },
    });
    fireEvent.change(screen.getByLabelText('Remove (names)'), {
      target: { value: 'Cookie, Origin' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply handshake rules' }));
    await waitFor(() => {
      expect(apply).toHaveBeenCalledWith([
        {
          id: 'h1',
          url: 'ws://a/*',
          enabled: true,
          set: [['Authorization', 'Bearer x']],
          remove: ['Cookie', 'Origin'],
        },
      ]);
    });
    expect(parseHeaderLines('no colon here').bad).toEqual(['no colon here']);
  });
});

describe('PausedQueue', () => {
  it('counts down, forwards edited text, and drops', async () => {
    vi.useFakeTimers();
    let now = 1_000;
    const resolve = vi.fn(() => Promise.resolve());
    render(
      <PausedQueue
        paused={[paused, { ...paused, id: 'p2' }]}
        labelOf={(id) => `#1 ${id}`}
        resolve={resolve}
        now={() => now}
      />,
    );
    expect(screen.getAllByText('forwards in 60 s')).toHaveLength(2);
    now = 31_500;
    act(() => {
      vi.advanceTimersByTime(300);
    });
    expect(screen.getAllByText('forwards in 30 s')).toHaveLength(2);
    vi.useRealTimers();
    fireEvent.change(screen.getByRole('textbox', { name: 'Paused payload p1' }), {
      target: { value: '{"qty":9}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Forward edited' }));
    fireEvent.click(screen.getAllByRole('button', { name: 'Drop' })[1] as HTMLElement);
    await waitFor(() => {
      expect(resolve).toHaveBeenCalledWith('p1', 'forward', { kind: 'text', text: '{"qty":9}' });
      expect(resolve).toHaveBeenCalledWith('p2', 'drop', undefined);
    });
  });
});
