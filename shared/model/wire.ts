import type { Direction, EntryKind, Entry } from './entry.ts';

/**
 * What crosses from main to a renderer. Rows are compact (the timeline holds a million of them);
 * the full entry, payload included, is fetched by seq when a row is opened. Both are plain JSON,
 * so one shape serves Electron IPC and the headless server's WebSocket alike.
 */
export interface EntryRow {
  seq: number;
  connectionId: string;
  time: number;
  direction: Direction;
  kind: EntryKind;
  payloadSize: number;
  wireSize: number;
  /** The start of the payload as one line of text (binary: hex of the first bytes). */
  preview: string;
  /** Bit flags, see `rowFlags`. */
  flags: number;
}

export const rowFlags = {
  compressed: 1,
  hasNotes: 2,
  fragmented: 4,
  binaryPreview: 8,
  /** Telltale sent it into a proxied connection (Entry.intervention). */
  injected: 16,
  /** A breakpoint or rule changed it before it was forwarded. */
  edited: 32,
  /** A breakpoint held it and it was never forwarded. */
  dropped: 64,
} as const;

/** An entry with its payload as text or base64, as NDJSON writes it. */
export type WireEntry = Omit<Entry, 'payload'> & {
  payload: string;
  payloadEncoding?: 'base64';
};
