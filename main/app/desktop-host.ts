import { app, dialog, ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import type { SessionExportRequest, SessionOpened } from '../../shared/api.ts';
import type { MenuCommand } from '../../shared/desktop-api.ts';
import { desktopChannel, menuCommandChannel } from '../../shared/ipc.ts';
import { toApiErrorShape } from '../core/api/api-error.ts';
import { commandArgs } from '../core/api/schemas.ts';
import type { InspectorService } from '../core/service.ts';

const harFilter = { name: 'HAR', extensions: ['har'] };
const ndjsonFilter = { name: 'Telltale NDJSON', extensions: ['ndjson'] };
const sessionFilters = [
  { name: 'Sessions', extensions: ['har', 'ndjson'] },
  harFilter,
  ndjsonFilter,
];

/**
 * The desktop-only commands: native Open/Save dialogs run here in main, so the renderer never
 * names a path, and opened files join the OS's recent documents.
 */
export function hostDesktopApi(
  service: InspectorService,
  win: BrowserWindow,
  isTrusted: (url: string) => boolean,
): () => void {
  const guard = (frameUrl: string | undefined): boolean =>
    frameUrl !== undefined && isTrusted(frameUrl);

  ipcMain.handle(desktopChannel('openSessionDialog'), async (event) => {
    if (!guard(event.senderFrame?.url)) return refused();
    try {
      return { ok: true, value: await openSessionWithDialog(service, win) };
    } catch (error) {
      return { ok: false, error: toApiErrorShape(error) };
    }
  });
  ipcMain.handle(desktopChannel('saveSessionDialog'), async (event, request: unknown) => {
    if (!guard(event.senderFrame?.url)) return refused();
    const parsed = commandArgs.exportSession.safeParse([request]);
    if (!parsed.success)
      return {
        ok: false,
        error: { code: 'invalid-arguments', message: 'saveSessionDialog: invalid export options' },
      };
    try {
      return { ok: true, value: await saveSessionWithDialog(service, win, parsed.data[0]) };
    } catch (error) {
      return { ok: false, error: toApiErrorShape(error) };
    }
  });
  return () => {
    ipcMain.removeHandler(desktopChannel('openSessionDialog'));
    ipcMain.removeHandler(desktopChannel('saveSessionDialog'));
  };
}

function refused(): { ok: false; error: { code: 'failed'; message: string } } {
  return {
    ok: false,
    error: {
      code: 'failed',
      message: 'refused: the call did not come from Telltale\u2019s own window',
    },
  };
}

export async function openSessionWithDialog(
  service: InspectorService,
  win: BrowserWindow,
): Promise<SessionOpened | null> {
  const picked = await dialog.showOpenDialog(win, {
    title: 'Open session',
    properties: ['openFile'],
    filters: sessionFilters,
  });
  const path = picked.filePaths[0];
  if (picked.canceled || path === undefined) return null;
  return openSessionPath(service, path);
}

/** Opens a file (from a dialog, the OS or the command line) and remembers it as recent. */
export async function openSessionPath(
  service: InspectorService,
  path: string,
): Promise<SessionOpened> {
  const opened = await service.openSessionPath(path);
  app.addRecentDocument(path);
  return opened;
}

export async function saveSessionWithDialog(
  service: InspectorService,
  win: BrowserWindow,
  request: SessionExportRequest,
): Promise<string | null> {
  const picked = await dialog.showSaveDialog(win, {
    title: request.redact === false ? 'Export session (not redacted)' : 'Export session (redacted)',
    defaultPath: `telltale-session.${request.format}`,
    filters: [request.format === 'har' ? harFilter : ndjsonFilter],
  });
  if (picked.canceled || !picked.filePath) return null;
  await service.saveSessionPath(picked.filePath, request);
  return picked.filePath;
}

export function sendMenuCommand(win: BrowserWindow, command: MenuCommand): void {
  win.webContents.send(menuCommandChannel, command);
}
