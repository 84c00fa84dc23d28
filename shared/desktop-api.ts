/**
 * What only the desktop app offers on top of the InspectorApi: native file dialogs and the
 * native menu. The preload exposes it as `window.telltaleDesktop`; in a browser it is absent and
 * the UI falls back to upload/download through `importSession`/`exportSession`.
 * Paths never cross from the renderer: main shows the dialog and opens what the user picked.
 */
import type { SessionExportRequest, SessionOpened } from './api.ts';

export type MenuCommand = 'new-connection' | 'export-session' | 'clear-session' | 'show-shortcuts';

export interface DesktopApi {
  /** Shows the native Open dialog; null when the user cancels. */
  openSessionDialog(): Promise<SessionOpened | null>;
  /** Shows the native Save dialog and writes the file; the path written, or null. */
  saveSessionDialog(request: SessionExportRequest): Promise<string | null>;
  /** Menu items that need the UI (e.g. New connection) arrive here. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

export const desktopCommandNames = [
  'openSessionDialog',
  'saveSessionDialog',
] as const satisfies readonly (keyof DesktopApi)[];
