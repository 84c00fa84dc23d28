import { useCallback } from 'react';
import type { Settings } from '../../../../shared/api.ts';
import { useTimelineData } from '../../app/data-context.ts';
import { useUi } from '../../stores/ui.ts';

/** Changes a setting here at once and in the core (which tells every other window). */
export function useUpdateSettings(): (patch: Partial<Settings>) => void {
  const data = useTimelineData();
  return useCallback(
    (patch: Partial<Settings>) => {
      useUi.getState().applySettings(patch);
      data.api.updateSettings(patch).catch(() => undefined);
    },
    [data],
  );
}

/** Theme and time display, in the toolbar. */
export function SettingsControls() {
  const theme = useUi((s) => s.theme);
  const timeDisplay = useUi((s) => s.timeDisplay);
  const update = useUpdateSettings();
  return (
    <>
      <button
        type="button"
        aria-pressed={timeDisplay === 'relative'}
        title="Show times relative to each connection's start (T)"
        onClick={() => {
          update({ timeDisplay: timeDisplay === 'absolute' ? 'relative' : 'absolute' });
        }}
      >
        Relative time
      </button>
      <select
        aria-label="Theme"
        value={theme}
        onChange={(event) => {
          update({ theme: event.target.value as Settings['theme'] });
        }}
      >
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </>
  );
}
