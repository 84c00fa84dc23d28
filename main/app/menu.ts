import { Menu, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newConnection: () => void;
  openSession: () => void;
  exportSession: (format: 'har' | 'ndjson') => void;
  clearSession: () => void;
  openRecent: (path: string) => void;
  showShortcuts: () => void;
  setTheme: (theme: 'system' | 'light' | 'dark') => void;
}

/** Native menus; items that need the UI are forwarded to it (see shared/desktop-api.ts). */
export function installMenu(actions: MenuActions, recent: readonly string[]): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Connection…', accelerator: 'CmdOrCtrl+N', click: actions.newConnection },
        { label: 'Open Session…', accelerator: 'CmdOrCtrl+O', click: actions.openSession },
        {
          label: 'Recent Sessions',
          submenu:
            recent.length === 0
              ? [{ label: 'None', enabled: false }]
              : recent.map((path) => ({
                  label: path,
                  click: () => {
                    actions.openRecent(path);
                  },
                })),
        },
        { type: 'separator' },
        {
          label: 'Export as HAR (redacted)…',
          accelerator: 'CmdOrCtrl+S',
          click: () => {
            actions.exportSession('har');
          },
        },
        {
          label: 'Export as NDJSON (redacted)…',
          accelerator: 'CmdOrCtrl+Shift+S',
          click: () => {
            actions.exportSession('ndjson');
          },
        },
        { type: 'separator' },
        { label: 'Clear Session', click: actions.clearSession },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        {
          label: 'Theme',
          submenu: [
            {
              label: 'Follow the System',
              click: () => {
                actions.setTheme('system');
              },
            },
            {
              label: 'Light',
              click: () => {
                actions.setTheme('light');
              },
            },
            {
              label: 'Dark',
              click: () => {
                actions.setTheme('dark');
              },
            },
          ],
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/', click: actions.showShortcuts },
        {
          label: 'NDJSON Specification',
          click: () => {
            void shell.openExternal('https://github.com/ndjson/ndjson-spec');
          },
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
