import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeSummary } from '../../timeline/test-insight.ts';
import { LlmView } from './LlmView.tsx';

afterEach(cleanup);

describe('LlmView', () => {
  it('shows the text as it grows, the timing figures and jumps to a stall', () => {
    const onSeq = vi.fn();
    const setMode = vi.fn(() => Promise.resolve());
    const { rerender } = render(
      <LlmView summary={makeSummary()} onSeq={onSeq} setMode={setMode} />,
    );
    expect(screen.getByLabelText('Assembled text').textContent).toBe('Hello wor▍');
    expect(screen.getByText('230 ms')).toBeTruthy();
    expect(screen.getByText('41.3 tok/s (one per delta)')).toBeTruthy();
    expect(screen.getByText('p50 20 ms · p95 80 ms · max 1.50 s')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '1.50 s before #9' }));
    expect(onSeq).toHaveBeenCalledWith(9);

    rerender(
      <LlmView
        summary={makeSummary({
          text: 'Hello world',
          ending: 'complete',
          stopReason: 'tool_calls',
          usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42 },
          toolCalls: [
            { index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          ],
          timing: { ...makeSummary().timing, tokensSource: 'usage' },
        })}
        onSeq={onSeq}
        setMode={setMode}
      />,
    );
    expect(screen.getByLabelText('Assembled text').textContent).toBe('Hello world');
    expect(screen.getByText('12 in · 30 out · 42 total')).toBeTruthy();
    expect(screen.getByText('get_weather')).toBeTruthy();
    expect(screen.getByText(/"city": "Oslo"/)).toBeTruthy();
    expect(screen.getByText(/from usage/)).toBeTruthy();
  });

  it('says how an errored stream ended and keeps the partial answer', () => {
    render(
      <LlmView
        summary={makeSummary({
          ending: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded', seq: 14 },
        })}
        onSeq={vi.fn()}
        setMode={vi.fn(() => Promise.resolve())}
      />,
    );
    expect(screen.getByTestId('llm-ending').textContent).toContain(
      'error: overloaded_error Overloaded',
    );
    expect(screen.getByLabelText('Assembled text').textContent).toBe('Hello wor');
  });

  it('sets a generic mode with a JSON text path, or detection again', async () => {
    const setMode = vi.fn(() => Promise.resolve());
    render(<LlmView summary={undefined} onSeq={vi.fn()} setMode={setMode} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Read as' }), {
      target: { value: 'generic' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Text at JSON path' }), {
      target: { value: '$.token' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => {
      expect(setMode).toHaveBeenCalledWith({ flavor: 'generic', textPath: '$.token' });
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Read as' }), {
      target: { value: 'auto' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => {
      expect(setMode).toHaveBeenLastCalledWith(null);
    });
  });
});
