/**
 * The desktop app's extras (native Open/Save dialogs, menu commands), present only in Electron;
 * in a browser tab this is undefined and the UI uploads and downloads instead.
 */
import type { DesktopApi, MenuCommand } from '../../../shared/desktop-api.ts';

declare global {
  interface Window {
    telltaleDesktop?: DesktopApi;
  }
}

export function desktop(): DesktopApi | undefined {
  return typeof window === 'undefined' ? undefined : window.telltaleDesktop;
}

/** Listens to the native menu's commands (a no-op outside Electron). */
export function onMenuCommand(listener: (command: MenuCommand) => void): () => void {
  return desktop()?.onMenuCommand(listener) ?? (() => undefined);
}
