import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../../../shared/model/connection.ts';
import type { WireEntry } from '../../../../shared/model/wire.ts';
import { ResendBar } from './ResendBar.tsx';
import { editableOf, withBody } from './resend.ts';

afterEach(cleanup);

const entry: WireEntry = {
  seq: 12,
  connectionId: 'c1',
  time: 0,
  direction: 'out',
  kind: 'text',
  payload: '{"op":"sub"}',
  payloadSize: 12,
  wireSize: 18,
};
const connection = { id: 'c1', url: 'ws://app/' } as Connection;

describe('resend helpers', () => {
  it('edits an event keeping its name and id, and binary as base64', () => {
    const event = editableOf({
      ...entry,
      kind: 'event',
      payload: 'x',
      sse: { event: 'tick', lastEventId: '4', id: '4' },
    });
    expect(event).toEqual({ kind: 'event', data: 'x', event: 'tick', id: '4' });
    expect(withBody(event, 'y')).toEqual({ ...event, data: 'y' });
    const binary = editableOf({
      ...entry,
      kind: 'binary',
      payload: 'AQI=',
      payloadEncoding: 'base64',
    });
    expect(binary).toEqual({ kind: 'binary', base64: 'AQI=' });
    expect(withBody(binary, 'not base64!')).toMatch(/base64/);
  });
});

describe('ResendBar', () => {
  it('resends as is and says where it went', async () => {
    const resend = vi.fn(() => Promise.resolve(connection));
    render(<ResendBar entry={entry} resend={resend} />);
    fireEvent.click(screen.getByRole('button', { name: 'Resend' }));
    await screen.findByText('Sent again on its connection.');
    expect(resend).toHaveBeenCalledWith(12, undefined);
  });

  it('edits and resends, reporting a failure from the core', async () => {
    const resend = vi.fn(() => Promise.reject(new Error('resend.not-open')));
    render(<ResendBar entry={entry} resend={resend} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit & resend' }));
    const box = screen.getByRole('textbox', { name: 'Edited payload' });
    expect((box as HTMLTextAreaElement).value).toBe('{"op":"sub"}');
    fireEvent.change(box, { target: { value: '{"op":"unsub"}' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send edited' }));
    await waitFor(() => {
      expect(resend).toHaveBeenCalledWith(12, { kind: 'text', text: '{"op":"unsub"}' });
    });
    await screen.findByText('Not resent: resend.not-open');
  });
});
