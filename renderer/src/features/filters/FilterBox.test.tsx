import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FilterBox } from './FilterBox.tsx';

afterEach(cleanup);

function Harness(props: { initial: string; matchCount?: number | null }) {
  const [text, setText] = useState(props.initial);
  return <FilterBox value={text} onChange={setText} matchCount={props.matchCount ?? null} />;
}

describe('FilterBox', () => {
  it('describes a valid filter and shows the match count', () => {
    render(<Harness initial="kind:text AND size>1k" matchCount={1234} />);
    const input = screen.getByRole('searchbox');
    expect(input.getAttribute('aria-invalid')).toBe('false');
    expect(screen.getByTestId('match-count').textContent).toBe('1,234 matches');
    expect(document.querySelector('.filter-description')?.textContent).not.toBe('');
  });

  it('underlines the part of the text the parser refused, with its message', () => {
    render(<Harness initial="" />);
    const input = screen.getByRole('searchbox');
    fireEvent.change(input, { target: { value: 'dir:sideways' } });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const error = screen.getByTestId('filter-error');
    const mark = error.querySelector('mark');
    expect(mark?.textContent).toBe('sideways');
    expect(error.textContent).toContain('dir:');
  });

  it('clears on Escape', () => {
    render(<Harness initial="hello" />);
    const input = screen.getByRole('searchbox');
    fireEvent.keyDown(input, { key: 'Escape' });
    expect((input as HTMLInputElement).value).toBe('');
  });

  it('shows no count while no filter is active', () => {
    render(<Harness initial="" />);
    expect(screen.queryByTestId('match-count')).toBeNull();
  });
});
