/**
 * UTF-8 helpers for the slow paths only: the hot path decodes a whole chunk at once and compares
 * lengths, and comes here only when the text holds U+FFFD or non-ASCII data.
 */
import { Buffer } from 'node:buffer';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True when `bytes` is well-formed UTF-8 (a literal U+FFFD in the input is well-formed). */
export function isWellFormedUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Like isWellFormedUtf8, but a sequence cut short by the end of `bytes` is not an error: used on
 * the kept head of an over-long line, where the cut is ours and not the sender's.
 */
export function isWellFormedUtf8Prefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** UTF-8 byte length of a string (native; the decoder's strings hold no lone surrogates). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
