/** A wire entry's payload as bytes, text, JSON and the copy formats (pure; tested in Node). */
import type { WireEntry } from '../../../../shared/model/wire.ts';

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function bytesToHex(bytes: Uint8Array, separator = ' '): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return parts.join(separator);
}

export interface DecodedPayload {
  bytes: Uint8Array;
  /** The payload as text: as sent when it is text, else a lossy UTF-8 reading (null if empty). */
  text: string;
  /** True when the payload is bytes (binary frame, or text that was not valid UTF-8). */
  binary: boolean;
  /** The parsed JSON value when the text is JSON (objects and arrays only: a bare number is text). */
  json: { value: unknown } | null;
}

export function decodePayload(
  entry: Pick<WireEntry, 'payload' | 'payloadEncoding'>,
): DecodedPayload {
  const binary = entry.payloadEncoding === 'base64';
  const bytes = binary ? base64ToBytes(entry.payload) : new TextEncoder().encode(entry.payload);
  const text = binary ? new TextDecoder('utf-8', { fatal: false }).decode(bytes) : entry.payload;
  return { bytes, text, binary, json: binary ? null : parseJson(text) };
}

export function parseJson(text: string): { value: unknown } | null {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return null;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}

export interface HexLine {
  offset: string;
  hex: string;
  ascii: string;
}

/** Hex dump lines of 16 bytes: offset, two groups of eight bytes, printable ASCII (others as `.`). */
export function hexLines(bytes: Uint8Array, from = 0, to = bytes.length): HexLine[] {
  const lines: HexLine[] = [];
  for (let start = from; start < to; start += 16) {
    const end = Math.min(start + 16, to);
    let hex = '';
    let ascii = '';
    for (let i = start; i < start + 16; i++) {
      if (i > start) hex += i - start === 8 ? '  ' : ' ';
      if (i < end) {
        const byte = bytes[i] ?? 0;
        hex += byte.toString(16).padStart(2, '0');
        ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
      } else {
        hex += '  ';
      }
    }
    lines.push({ offset: start.toString(16).padStart(8, '0'), hex, ascii });
  }
  return lines;
}
