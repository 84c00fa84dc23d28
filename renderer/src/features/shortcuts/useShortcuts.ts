import { useEffect } from 'react';
import { useUi, type DirectionFilter } from '../../stores/ui.ts';
import { focusComposer } from '../composer/ComposerPanel.tsx';
import { focusFilter } from '../filters/FilterBar.tsx';
import { useUpdateSettings } from '../settings/SettingsControls.tsx';
import { timelineCommands } from '../timeline/commands.ts';
import { shortcutFor, type ShortcutAction } from './shortcuts.ts';

const nextDirection: Record<DirectionFilter, DirectionFilter> = {
  all: 'in',
  in: 'out',
  out: 'all',
};

/** One keydown listener for the whole window, dispatching from the SHORTCUTS table. */
export function useShortcuts(theme: 'light' | 'dark'): void {
  const updateSettings = useUpdateSettings();
  useEffect(() => {
    const run = (action: ShortcutAction, target: EventTarget | null): boolean => {
      const ui = useUi.getState();
      const timeline = timelineCommands();
      if (ui.dialog !== null && action !== 'escape') return false;
      switch (action) {
        case 'help':
          ui.openDialog('help');
          return true;
        case 'focusFilter':
          focusFilter();
          return true;
        case 'newConnection':
          ui.openDialog('connect');
          return true;
        case 'breakpoints':
          ui.openDialog('breakpoints');
          return true;
        case 'proxy':
          ui.openDialog('proxy');
          return true;
        case 'focusComposer':
          focusComposer();
          return true;
        case 'next':
          timeline?.move(1);
          return true;
        case 'previous':
          timeline?.move(-1);
          return true;
        case 'pageDown':
          timeline?.move(20);
          return true;
        case 'pageUp':
          timeline?.move(-20);
          return true;
        case 'first':
          timeline?.first();
          return true;
        case 'last':
          timeline?.last();
          return true;
        case 'toggleFollow':
          ui.setFollow(!ui.follow);
          return true;
        case 'hidePingPong':
          ui.toggleKinds(['ping', 'pong']);
          return true;
        case 'toggleHighlight':
          ui.setFilter({ mode: ui.filter.mode === 'hide' ? 'highlight' : 'hide' });
          return true;
        case 'onlyConnection':
          ui.setFilter({
            onlyConnection: ui.filter.onlyConnection !== null ? null : ui.selectedConnectionId,
          });
          return true;
        case 'cycleDirection':
          ui.setFilter({ direction: nextDirection[ui.filter.direction] });
          return true;
        case 'toggleTime':
          updateSettings({ timeDisplay: ui.timeDisplay === 'absolute' ? 'relative' : 'absolute' });
          return true;
        case 'toggleTheme':
          updateSettings({ theme: theme === 'dark' ? 'light' : 'dark' });
          return true;
        case 'focusTimeline':
          timeline?.focus();
          return true;
        case 'escape':
          if (ui.dialog !== null) ui.openDialog(null);
          else if (target instanceof HTMLElement && target !== document.body && 'blur' in target)
            target.blur();
          else ui.selectRow(null);
          return true;
      }
    };
    const onKeyDown = (event: KeyboardEvent): void => {
      const shortcut = shortcutFor(event);
      if (!shortcut) return;
      if (run(shortcut.action, event.target)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
    };
  }, [theme, updateSettings]);
}
