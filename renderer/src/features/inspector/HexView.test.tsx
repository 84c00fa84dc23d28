import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HexView } from './HexView.tsx';

afterEach(cleanup);

describe('HexView', () => {
  it('shows offset, hex and ASCII for each line of 16 bytes', () => {
    render(<HexView bytes={new TextEncoder().encode('Hello, binary world!')} />);
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(2);
    const first = rows[0]?.querySelectorAll('[role=cell]') ?? [];
    expect([...first].map((cell) => cell.textContent)).toEqual([
      '00000000',
      '48 65 6c 6c 6f 2c 20 62  69 6e 61 72 79 20 77 6f',
      'Hello, binary wo',
    ]);
  });

  it('renders long payloads a page at a time', () => {
    render(<HexView bytes={new Uint8Array(100_000)} />);
    expect(screen.getAllByRole('row')).toHaveLength(1024);
    fireEvent.click(screen.getByRole('button', { name: /Show more \(83,616 bytes left\)/ }));
    expect(screen.getAllByRole('row')).toHaveLength(5120);
  });

  it('says when the payload is empty', () => {
    render(<HexView bytes={new Uint8Array(0)} />);
    expect(screen.getByText('(empty payload)')).toBeTruthy();
  });
});
