import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/api.ts';
import { useUi } from '../../stores/ui.ts';

export function resolveTheme(setting: Settings['theme'], prefersDark: boolean): 'light' | 'dark' {
  if (setting === 'system') return prefersDark ? 'dark' : 'light';
  return setting;
}

const darkQuery = '(prefers-color-scheme: dark)';

/** Puts the theme on <html data-theme>: the setting, or the OS's choice (followed live) for `system`. */
export function useTheme(): 'light' | 'dark' {
  const setting = useUi((s) => s.theme);
  const [prefersDark, setPrefersDark] = useState(() => window.matchMedia(darkQuery).matches);
  useEffect(() => {
    const media = window.matchMedia(darkQuery);
    const changed = (): void => {
      setPrefersDark(media.matches);
    };
    media.addEventListener('change', changed);
    return () => {
      media.removeEventListener('change', changed);
    };
  }, []);
  const theme = resolveTheme(setting, prefersDark);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}
