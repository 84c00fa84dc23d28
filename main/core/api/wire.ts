import type { Entry } from '../../../shared/model/entry.ts';
import { rowFlags } from '../../../shared/model/wire.ts';
import type { EntryRow, WireEntry } from '../../../shared/model/wire.ts';
import { bytesToBase64 } from '../session/ndjson.ts';

const previewChars = 160;
const previewBytes = 24;

/** The compact row the timeline keeps for an entry. */
export function toRow(entry: Entry): EntryRow {
  let flags = 0;
  if (entry.frame?.rsv1) flags |= rowFlags.compressed;
  if (entry.notes?.length) flags |= rowFlags.hasNotes;
  if ((entry.frame?.fragments ?? 1) > 1) flags |= rowFlags.fragmented;
  if (entry.intervention !== undefined) flags |= rowFlags[entry.intervention];
  let preview: string;
  if (typeof entry.payload === 'string') {
    // One line: line breaks and tabs shown as spaces, so every row keeps its height.
    preview = entry.payload.slice(0, previewChars).replace(/[\r\n\t]+/g, ' ');
  } else {
    flags |= rowFlags.binaryPreview;
    preview = hexPreview(entry.payload);
  }
  return {
    seq: entry.seq,
    connectionId: entry.connectionId,
    time: entry.time,
    direction: entry.direction,
    kind: entry.kind,
    payloadSize: entry.payloadSize,
    wireSize: entry.wireSize,
    preview,
    flags,
  };
}

function hexPreview(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, previewBytes);
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > previewBytes ? `${hex} …` : hex;
}

/** The full entry as JSON: text payloads as text, bytes as base64 (the NDJSON rule). */
export function toWireEntry(entry: Entry): WireEntry {
  const { payload, ...rest } = entry;
  return typeof payload === 'string'
    ? { ...rest, payload }
    : { ...rest, payload: bytesToBase64(payload), payloadEncoding: 'base64' };
}
