import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProtocolEntryDetail } from '../../../../shared/api.ts';
import { makeRequestDetail } from '../../timeline/test-protocols.ts';
import { formatFieldValue, formatLatency } from './format.ts';
import { ProtocolMessages } from './ProtocolMessages.tsx';

afterEach(cleanup);

describe('ProtocolMessages', () => {
  it('shows a request in protocol words with its tree, and jumps to its answer', () => {
    const onJump = vi.fn();
    render(<ProtocolMessages detail={makeRequestDetail()} onJump={onJump} />);
    const section = screen.getByRole('region', { name: 'Protocol messages' });
    expect(section.textContent).toContain('JSON-RPC');
    expect(section.textContent).toContain('request');
    expect(section.textContent).toContain('→ tools/call #4');
    expect(screen.getByText('method').nextSibling?.textContent).toBe('tools/call');
    expect(section.textContent).toContain('Answered by #5 (call 4) after 42 ms');
    // One message: its decoded tree is open.
    expect(screen.getByRole('tree', { name: 'JSON' }).textContent).toContain('add');
    fireEvent.click(screen.getByRole('button', { name: '#5' }));
    expect(onJump).toHaveBeenCalledWith({ seq: 5, index: 0, connectionId: 'c1', time: 1042 });
  });

  it('shows the answer side, a malformed message, and folds the trees of a batch', () => {
    const request = makeRequestDetail();
    const detail: ProtocolEntryDetail = {
      annotation: {
        seq: 5,
        connectionId: 'c1',
        direction: 'in',
        time: 1042,
        messages: [
          {
            protocol: 'jsonrpc',
            kind: 'response',
            index: 0,
            summary: '← #4 ok',
            fields: { id: 4, result: '{"sum":3}' },
          },
          {
            protocol: 'jsonrpc',
            kind: 'invalid',
            index: 1,
            summary: '✗ invalid',
            fields: {},
            malformed: { code: 'jsonrpc.version', message: 'jsonrpc must be "2.0"' },
          },
        ],
      },
      trees: [{ id: 4, result: { sum: 3 } }, { jsonrpc: '1.0' }],
      pairs: request.pairs,
    };
    const onJump = vi.fn();
    render(<ProtocolMessages detail={detail} onJump={onJump} />);
    expect(screen.getByRole('note').textContent).toBe(
      'Malformed (jsonrpc.version): jsonrpc must be "2.0"',
    );
    expect(screen.queryByRole('tree')).toBeNull();
    const toggles = screen.getAllByRole('button', { name: '▸ Decoded' });
    expect(toggles).toHaveLength(2);
    fireEvent.click(toggles[0] as HTMLElement);
    expect(screen.getByRole('tree').textContent).toContain('sum');
    expect(screen.getByText(/^Answers/).textContent).toBe('Answers #3 (call 4) after 42 ms');
    fireEvent.click(screen.getByRole('button', { name: '#3' }));
    expect(onJump).toHaveBeenCalledWith(expect.objectContaining({ seq: 3 }));
  });

  it('folds the tree when the payload view already shows it', () => {
    render(<ProtocolMessages detail={makeRequestDetail()} foldTrees onJump={vi.fn()} />);
    expect(screen.queryByRole('tree')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '▸ Decoded' }));
    expect(screen.getByRole('tree').textContent).toContain('add');
  });

  it('formats long fields and latencies', () => {
    expect(formatFieldValue('x'.repeat(300))).toHaveLength(201);
    expect(formatFieldValue(null)).toBe('null');
    expect(formatLatency(0.25)).toBe('0.25 ms');
    expect(formatLatency(1500)).toBe('1.50 s');
  });
});
