import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../../shared/model/connection.ts';
import type { ReplayResult } from '../../../../shared/model/replay.ts';
import { ReplayPanel } from './ReplayPanel.tsx';

afterEach(cleanup);

const connection: Connection = {
  id: 'c1',
  kind: 'ws',
  source: 'proxy',
  url: 'ws://127.0.0.1:1/chat',
  method: 'GET',
  requestHeaders: [],
  state: 'closed',
  openedAt: 0,
  bytesIn: 0,
  bytesOut: 0,
};

const result: ReplayResult = {
  connectionId: 'c9',
  replayOf: 'c1',
  sent: 2,
  comparison: {
    recorded: 3,
    replayed: 2,
    matched: 1,
    differences: [
      {
        index: 1,
        kind: 'changed',
        recordedSeq: 4,
        replayedSeq: 20,
        recorded: '{"n":2}',
        replayed: '{"n":3}',
      },
      { index: 2, kind: 'missing', recordedSeq: 6, recorded: 'bye' },
    ],
  },
};

function setup(overrides: Partial<Parameters<typeof ReplayPanel>[0]> = {}) {
  const props = {
    connection,
    mocks: [],
    replay: vi.fn(() => Promise.resolve(result)),
    startMock: vi.fn(() =>
      Promise.resolve({
        id: 'm1',
        connectionId: 'c1',
        kind: 'ws' as const,
        url: 'ws://127.0.0.1:5000/chat',
        mode: 'timed' as const,
      }),
    ),
    stopMock: vi.fn(() => Promise.resolve()),
    onSeq: vi.fn(),
    onConnection: vi.fn(),
    ...overrides,
  };
  render(<ReplayPanel {...props} />);
  return props;
}

describe('ReplayPanel', () => {
  it('replays ×10 against another URL and shows the differences, clickable', async () => {
    const props = setup();
    fireEvent.change(screen.getByRole('combobox', { name: 'Timing' }), {
      target: { value: 'x10' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Other URL' }), {
      target: { value: 'ws://127.0.0.1:2/chat' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Replay' }));
    await screen.findByTestId('replay-result');
    expect(props.replay).toHaveBeenCalledWith({
      connectionId: 'c1',
      mode: 'timed',
      speed: 10,
      url: 'ws://127.0.0.1:2/chat',
    });
    expect(screen.getByTestId('replay-result').textContent).toContain('matched 1, 2 differ.');
    fireEvent.click(screen.getByRole('button', { name: '#20' }));
    expect(props.onSeq).toHaveBeenCalledWith(20, 'c9');
    fireEvent.click(screen.getByRole('button', { name: 'Show the run' }));
    expect(props.onConnection).toHaveBeenCalledWith('c9');
  });

  it('steps on reply, and reports a failed replay', async () => {
    const props = setup({ replay: vi.fn(() => Promise.reject(new Error('ECONNREFUSED'))) });
    fireEvent.change(screen.getByRole('combobox', { name: 'Timing' }), {
      target: { value: 'step' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Replay' }));
    await screen.findByText('Replay failed: ECONNREFUSED');
    expect(props.replay).toHaveBeenCalledWith({ connectionId: 'c1', mode: 'step' });
  });

  it('starts a mock in answer mode, lists running ones and stops them', async () => {
    const props = setup({
      mocks: [
        {
          id: 'm1',
          connectionId: 'c1',
          kind: 'ws',
          url: 'ws://127.0.0.1:5000/chat',
          mode: 'answer',
        },
      ],
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Playback' }), {
      target: { value: 'answer' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Port' }), { target: { value: 'abc' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start mock' }));
    await screen.findByText(/The port is a whole number/);
    fireEvent.change(screen.getByRole('textbox', { name: 'Port' }), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start mock' }));
    await waitFor(() => {
      expect(props.startMock).toHaveBeenCalledWith('answer', undefined);
    });
    expect(screen.getByText('ws://127.0.0.1:5000/chat')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(props.stopMock).toHaveBeenCalledWith('m1');
  });
});
