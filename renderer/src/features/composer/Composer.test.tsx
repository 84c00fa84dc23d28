import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../../shared/model/connection.ts';
import { Composer } from './Composer.tsx';

afterEach(cleanup);
beforeEach(() => {
  localStorage.clear();
});

const open: Connection = {
  id: 'conn-1',
  kind: 'ws',
  source: 'client',
  url: 'ws://127.0.0.1:1/',
  method: 'GET',
  requestHeaders: [],
  state: 'open',
  openedAt: 0,
  bytesIn: 0,
  bytesOut: 0,
};

function setup(target: Connection | undefined = open, send = vi.fn(() => Promise.resolve())) {
  render(<Composer target={target} targetLabel="#1 ws://127.0.0.1:1/" send={send} />);
  return { send, box: screen.getByRole('textbox', { name: 'Message' }) };
}

describe('Composer', () => {
  it('sends text with Ctrl+Enter and keeps it in the history', async () => {
    const { send, box } = setup();
    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => {
      expect(send).toHaveBeenCalledWith('conn-1', { kind: 'text', text: 'hello' });
    });
    await screen.findByText('Sent 5 B to #1 ws://127.0.0.1:1/.');
    expect(screen.getByRole('combobox', { name: 'History' }).textContent).toContain('History (1)');
  });

  it('sends hex as binary with Cmd+Enter', async () => {
    const { send, box } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Hex' }));
    fireEvent.change(box, { target: { value: '01 02 ff' } });
    fireEvent.keyDown(box, { key: 'Enter', metaKey: true });
    await waitFor(() => {
      expect(send).toHaveBeenCalledWith('conn-1', { kind: 'binary', base64: 'AQL/' });
    });
  });

  it('validates and pretty-prints JSON', () => {
    const { box, send } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'JSON' }));
    fireEvent.change(box, { target: { value: '{"a":' } });
    expect(screen.getByRole('alert').textContent).toMatch(/Invalid JSON/);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true);
    fireEvent.change(box, { target: { value: '{"a":[1]}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pretty-print' }));
    expect((box as HTMLTextAreaElement).value).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(send).not.toHaveBeenCalled();
  });

  it('says plainly why it cannot send to a closed connection', async () => {
    const { send, box } = setup({ ...open, state: 'closed' });
    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await screen.findByText('The connection is closed: open a new one to send.');
    expect(send).not.toHaveBeenCalled();
  });

  it('injects into a proxied WebSocket toward the client when asked', async () => {
    const inject = vi.fn(() => Promise.resolve());
    const send = vi.fn(() => Promise.resolve());
    render(
      <Composer
        target={{ ...open, source: 'proxy' }}
        targetLabel="#2 ws://app/"
        send={send}
        inject={inject}
      />,
    );
    const box = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.click(screen.getByRole('button', { name: '↓ to client' }));
    fireEvent.change(box, { target: { value: 'hi' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => {
      expect(inject).toHaveBeenCalledWith('conn-1', 'in', { kind: 'text', text: 'hi' });
    });
    expect(send).not.toHaveBeenCalled();
    await screen.findByText('Sent 2 B to the client of #2 ws://app/ (injected).');
  });

  it('injects an SSE event with its name and id into a proxied stream', async () => {
    const inject = vi.fn(() => Promise.resolve());
    render(
      <Composer
        target={{ ...open, kind: 'sse', source: 'proxy' }}
        targetLabel="#3 http://app/events"
        send={vi.fn(() => Promise.resolve())}
        inject={inject}
      />,
    );
    fireEvent.change(screen.getByRole('textbox', { name: 'Event name' }), {
      target: { value: 'tick' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Event id' }), {
      target: { value: '7' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), {
      target: { value: '{"n":7}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => {
      expect(inject).toHaveBeenCalledWith('conn-1', 'in', {
        kind: 'event',
        data: '{"n":7}',
        event: 'tick',
        id: '7',
      });
    });
  });

  it('refuses an imported connection with the reason', () => {
    setup({ ...open, source: 'import' });
    expect(screen.getByRole('alert').textContent).toMatch(/imported from a file/);
  });

  it('shows the error the core gave when a send fails', async () => {
    const { box } = setup(
      open,
      vi.fn(() => Promise.reject(new Error('connection conn-1 is not open'))),
    );
    fireEvent.change(box, { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Not sent: connection conn-1 is not open');
  });

  it('saves a snippet and loads it back', () => {
    const { box } = setup();
    fireEvent.change(box, { target: { value: '{"op":"sub"}' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Snippet name' }), {
      target: { value: 'subscribe' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    fireEvent.change(box, { target: { value: '' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Snippets' }), {
      target: { value: 'subscribe' },
    });
    expect((box as HTMLTextAreaElement).value).toBe('{"op":"sub"}');
    expect(JSON.parse(localStorage.getItem('telltale.composer.snippets') ?? '[]')).toEqual([
      { name: 'subscribe', mode: 'text', text: '{"op":"sub"}' },
    ]);
  });
});
