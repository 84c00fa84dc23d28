/** From what the user typed in the composer to the message the core sends (pure, tested). */
import type { OutgoingMessage } from '../../../../shared/api.ts';
import { bytesToBase64 } from '../inspector/payload.ts';

export type ComposerMode = 'text' | 'json' | 'hex' | 'base64';
export const COMPOSER_MODES: readonly ComposerMode[] = ['text', 'json', 'hex', 'base64'];

export type BuiltMessage =
  { ok: true; message: OutgoingMessage; size: number } | { ok: false; error: string };

export function buildMessage(mode: ComposerMode, input: string): BuiltMessage {
  switch (mode) {
    case 'text':
      return {
        ok: true,
        message: { kind: 'text', text: input },
        size: new TextEncoder().encode(input).length,
      };
    case 'json': {
      const error = jsonError(input);
      if (error) return { ok: false, error };
      return {
        ok: true,
        message: { kind: 'text', text: input },
        size: new TextEncoder().encode(input).length,
      };
    }
    case 'hex': {
      const bytes = parseHex(input);
      if (typeof bytes === 'string') return { ok: false, error: bytes };
      return {
        ok: true,
        message: { kind: 'binary', base64: bytesToBase64(bytes) },
        size: bytes.length,
      };
    }
    case 'base64': {
      const compact = input.replace(/\s+/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
        return {
          ok: false,
          error: 'Not base64: use A–Z a–z 0–9 + / with = padding to a multiple of 4.',
        };
      }
      return {
        ok: true,
        message: { kind: 'binary', base64: compact },
        size: Math.floor((compact.length * 3) / 4) - (compact.match(/=/g)?.length ?? 0),
      };
    }
  }
}

/** Hex bytes, separated or not: `de ad be ef`, `DEADBEEF`, `0xde, 0xad`. A message on error. */
export function parseHex(input: string): Uint8Array | string {
  const compact = input.replace(/0x/gi, '').replace(/[\s,:]+/g, '');
  const bad = /[^0-9a-f]/i.exec(compact);
  if (bad) return `Not a hex digit: “${bad[0]}”.`;
  if (compact.length % 2 !== 0)
    return `Odd number of hex digits (${compact.length}): each byte takes two.`;
  const bytes = new Uint8Array(compact.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(compact.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Why the text is not JSON (with the line and column when the engine says where), or null. */
export function jsonError(input: string): string | null {
  try {
    JSON.parse(input);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    if (!position) return `Invalid JSON: ${message}`;
    const offset = Number(position[1]);
    const before = input.slice(0, offset).split('\n');
    return `Invalid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}: ${message}`;
  }
}

export function prettyJson(input: string): string | null {
  try {
    return JSON.stringify(JSON.parse(input), null, 2);
  } catch {
    return null;
  }
}
