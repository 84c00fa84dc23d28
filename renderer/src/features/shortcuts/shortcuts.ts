/**
 * Every keyboard shortcut, in one table: the handler dispatches from it and the help dialog (and
 * docs/ui.md) list it, so the list cannot drift from what the keys do.
 */
export type ShortcutAction =
  | 'help'
  | 'focusFilter'
  | 'newConnection'
  | 'proxy'
  | 'breakpoints'
  | 'focusComposer'
  | 'next'
  | 'previous'
  | 'pageDown'
  | 'pageUp'
  | 'first'
  | 'last'
  | 'toggleFollow'
  | 'hidePingPong'
  | 'toggleHighlight'
  | 'onlyConnection'
  | 'cycleDirection'
  | 'toggleTime'
  | 'toggleTheme'
  | 'focusTimeline'
  | 'escape';

export interface Shortcut {
  /** `KeyboardEvent.key` values (Shift is implied by the character, e.g. `?` and `G`). */
  keys: string[];
  label: string;
  action: ShortcutAction;
  /** Also works while typing in a field. */
  inFields?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['?'], label: 'Show this list', action: 'help' },
  { keys: ['/'], label: 'Focus the filter box', action: 'focusFilter' },
  { keys: ['n'], label: 'New connection', action: 'newConnection' },
  { keys: ['x'], label: 'Proxy settings and setup snippets', action: 'proxy' },
  { keys: ['b'], label: 'Breakpoints: proxy rules and paused messages', action: 'breakpoints' },
  { keys: ['c'], label: 'Focus the composer', action: 'focusComposer' },
  { keys: ['ArrowDown', 'j'], label: 'Next row', action: 'next' },
  { keys: ['ArrowUp', 'k'], label: 'Previous row', action: 'previous' },
  { keys: ['PageDown'], label: 'Twenty rows down', action: 'pageDown' },
  { keys: ['PageUp'], label: 'Twenty rows up', action: 'pageUp' },
  { keys: ['Home', 'g'], label: 'First row (pauses follow)', action: 'first' },
  { keys: ['End', 'G'], label: 'Last row, and follow new rows', action: 'last' },
  { keys: ['f'], label: 'Follow new rows on/off', action: 'toggleFollow' },
  { keys: ['p'], label: 'Hide pings and pongs on/off', action: 'hidePingPong' },
  { keys: ['h'], label: 'Highlight matches instead of hiding the rest', action: 'toggleHighlight' },
  { keys: ['o'], label: 'Show only the selected connection on/off', action: 'onlyConnection' },
  { keys: ['d'], label: 'Direction: both → in → out', action: 'cycleDirection' },
  { keys: ['t'], label: 'Absolute or relative times', action: 'toggleTime' },
  { keys: ['T'], label: 'Light or dark theme', action: 'toggleTheme' },
  { keys: ['l'], label: 'Focus the timeline', action: 'focusTimeline' },
  {
    keys: ['Escape'],
    label: 'Close a dialog, leave a field, or clear the selection',
    action: 'escape',
    inFields: true,
  },
];

export const COMPOSER_SEND_KEYS = 'Ctrl+Enter / ⌘+Enter';

const byKey = new Map<string, Shortcut>();
for (const shortcut of SHORTCUTS) for (const key of shortcut.keys) byKey.set(key, shortcut);

function isField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The shortcut a key press means here, or null (modifier chords and typing in fields are left alone). */
export function shortcutFor(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
): Shortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const shortcut = byKey.get(event.key);
  if (!shortcut) return null;
  if (isField(event.target) && !shortcut.inFields) return null;
  return shortcut;
}
