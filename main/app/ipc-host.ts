import { ipcMain, MessageChannelMain } from 'electron';
import type { BrowserWindow, WebFrameMain } from 'electron';
import type { InspectorApi } from '../../shared/api.ts';
import { apiCommandNames } from '../../shared/api.ts';
import { commandChannel, eventPortChannel } from '../../shared/ipc.ts';
import { toApiErrorShape } from '../core/api/api-error.ts';
import { dispatchCommand } from '../core/api/dispatch.ts';
import { forwardEvents } from '../core/api/forward-events.ts';

/**
 * Wires the service to the window: one handler per command (validated by the same gate as the
 * headless server, and only for our own top frame), and every event over one MessagePort.
 */
export function hostApi(
  service: InspectorApi,
  win: BrowserWindow,
  isTrustedUrl: (url: string) => boolean,
): () => void {
  const trusted = (frame: WebFrameMain | null): boolean =>
    frame !== null && frame === win.webContents.mainFrame && isTrustedUrl(frame.url);

  for (const command of apiCommandNames) {
    ipcMain.handle(commandChannel(command), async (event, ...args: unknown[]) => {
      if (!trusted(event.senderFrame)) {
        return {
          ok: false,
          error: {
            code: 'failed',
            message: 'refused: the call did not come from Telltale\u2019s own window',
          },
        };
      }
      try {
        return { ok: true, value: (await dispatchCommand(service, command, args)) ?? null };
      } catch (error) {
        return { ok: false, error: toApiErrorShape(error) };
      }
    });
  }

  let port: Electron.MessagePortMain | null = null;
  const stopForwarding = forwardEvents(service, (event, payload) => {
    port?.postMessage({ event, payload });
  });
  // A fresh port per page load, so a reload gets the feed again.
  const handOverPort = (): void => {
    port?.close();
    const channel = new MessageChannelMain();
    port = channel.port1;
    port.start();
    win.webContents.postMessage(eventPortChannel, null, [channel.port2]);
  };
  win.webContents.on('did-finish-load', handOverPort);

  return () => {
    for (const command of apiCommandNames) ipcMain.removeHandler(commandChannel(command));
    stopForwarding();
    port?.close();
  };
}
