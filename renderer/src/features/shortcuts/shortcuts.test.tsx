import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HelpDialog } from './HelpDialog.tsx';
import { SHORTCUTS, shortcutFor } from './shortcuts.ts';

afterEach(cleanup);

const press = (
  key: string,
  target: EventTarget | null = document.body,
  mods: Partial<KeyboardEvent> = {},
) => shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, target, ...mods });

describe('shortcuts', () => {
  it('maps keys to actions, and no key to two actions', () => {
    expect(press('/')?.action).toBe('focusFilter');
    expect(press('j')?.action).toBe('next');
    expect(press('G')?.action).toBe('last');
    const keys = SHORTCUTS.flatMap((shortcut) => shortcut.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves typing in fields and modifier chords alone, except Escape', () => {
    const input = document.createElement('input');
    expect(press('j', input)).toBeNull();
    expect(press('Escape', input)?.action).toBe('escape');
    expect(press('n', document.body, { ctrlKey: true })).toBeNull();
  });

  it('lists every shortcut in the help dialog', () => {
    let closed = false;
    render(<HelpDialog onClose={() => (closed = true)} />);
    const rows = screen.getAllByRole('row');
    expect(rows).toHaveLength(SHORTCUTS.length + 1);
    expect(screen.getByText('Hide pings and pongs on/off')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(closed).toBe(true);
  });
});
