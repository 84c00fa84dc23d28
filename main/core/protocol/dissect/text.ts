/** Small helpers every dissector shares: payload text, bounded previews, safe JSON. */
import type { Entry } from '../../../../shared/model/entry.ts';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Text of a data entry (WS text/binary or SSE event); undefined for control and notes. */
export function dataText(entry: Entry): string | undefined {
  if (entry.kind === 'text' || entry.kind === 'event') {
    return typeof entry.payload === 'string' ? entry.payload : decoder.decode(entry.payload);
  }
  return undefined;
}

/** Whether an entry carries application data at all. */
export function isData(entry: Entry): boolean {
  return entry.kind === 'text' || entry.kind === 'binary' || entry.kind === 'event';
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const PREVIEW_CHARS = 120;

/** Compact JSON of a value, clipped for summaries and fields (never throws). */
export function preview(value: unknown, max = PREVIEW_CHARS): string {
  let text: string;
  try {
    // undefined for functions and undefined itself, whatever the type says.
    const json = JSON.stringify(value) as unknown;
    text = typeof json === 'string' ? json : String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** An id as the protocol wrote it: strings quoted, numbers bare, so "1" and 1 stay apart. */
export function idKey(id: unknown): string {
  return typeof id === 'string' ? JSON.stringify(id) : String(id);
}

/** A field value for ids that may be strings or numbers. */
export function idField(id: unknown): string | number | null {
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
