import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JsonTree } from './JsonTree.tsx';

afterEach(cleanup);

const writeText = vi.fn((_text: string) => Promise.resolve());
beforeEach(() => {
  writeText.mockClear();
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

const value = { user: { name: 'Ada', tags: ['x', 'y'] }, 'odd key': null, n: 3 };

describe('JsonTree', () => {
  it('expands the first levels and collapses deeper ones', () => {
    render(<JsonTree value={value} expandDepth={2} />);
    expect(screen.getByText('"Ada"')).toBeTruthy();
    // user.tags sits at depth 2: collapsed, with its size shown.
    expect(screen.getByText('[2 items]')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Expand $.user.tags' }));
    expect(screen.getByText('"y"')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Collapse $.user' }));
    expect(screen.queryByText('"Ada"')).toBeNull();
  });

  it('copies a node path in filter syntax and a value as JSON', async () => {
    render(<JsonTree value={value} />);
    const odd = document.querySelector('[data-path=\'$["odd key"]\']');
    expect(odd).not.toBeNull();
    fireEvent.click(screen.getByTitle('Copy path $.user.name'));
    const user = document.querySelector('[data-path="$.user"]');
    const copyValue = user?.querySelector(':scope > .json-actions button[title="Copy value"]');
    if (!copyValue) throw new Error('no copy-value button on $.user');
    fireEvent.click(copyValue);
    await Promise.resolve();
    expect(writeText.mock.calls.map((call) => call[0])).toEqual([
      '$.user.name',
      JSON.stringify({ name: 'Ada', tags: ['x', 'y'] }, null, 2),
    ]);
  });

  it('offers to filter the timeline by a leaf value', () => {
    const onFilter = vi.fn();
    render(<JsonTree value={value} onFilter={onFilter} />);
    const leaf = document.querySelector('[data-path="$.n"]');
    const button = leaf?.querySelector('button[title="Filter the timeline by this value"]');
    if (!button) throw new Error('no filter button');
    fireEvent.click(button);
    expect(onFilter).toHaveBeenCalledWith('$.n', '3');
  });
});
