/**
 * Electron channel names, derived from the contract in one place: nothing else spells them.
 */
import type { CommandName } from './api.ts';
import type { desktopCommandNames } from './desktop-api.ts';

export const ipcPrefix = 'telltale:';

export function commandChannel(command: CommandName): string {
  return `${ipcPrefix}call:${command}`;
}

/** Desktop-only commands (native dialogs), see shared/desktop-api.ts. */
export function desktopChannel(command: (typeof desktopCommandNames)[number]): string {
  return `${ipcPrefix}desktop:${command}`;
}

/** Native menu items that the UI carries out. */
export const menuCommandChannel = `${ipcPrefix}menu-command`;

/** The channel on which main hands the renderer the MessagePort that carries every event. */
export const eventPortChannel = `${ipcPrefix}event-port`;

/** Largest serialized arguments accepted for one command (bytes of JSON). */
export const maxCommandBytes = 16 * 1024 * 1024;
