/**
 * Electron channel names, derived from the contract in one place: nothing else spells them.
 */
import type { CommandName } from './api.ts';

export const ipcPrefix = 'telltale:';

export function commandChannel(command: CommandName): string {
  return `${ipcPrefix}call:${command}`;
}

/** The channel on which main hands the renderer the MessagePort that carries every event. */
export const eventPortChannel = `${ipcPrefix}event-port`;

/** Largest serialized arguments accepted for one command (bytes of JSON). */
export const maxCommandBytes = 16 * 1024 * 1024;
