/**
 * What the proxy reads from, and changes in, HTTP/1.1 heads. Only the request head is ever
 * rewritten (request line to origin-form, proxy hop-by-hop headers dropped, Host in reverse
 * mode); response heads are forwarded byte for byte.
 */
import type { HeaderList } from '../../../shared/model/connection.ts';
import type { HttpHead } from '../util/http-head.ts';
import { headerValue } from '../util/http-head.ts';
import type { BodyMode } from './body-framer.ts';

export interface RequestLine {
  method: string;
  target: string;
  version: string;
}

export function parseRequestLine(line: string): RequestLine | null {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { method: match[1], target: match[2], version: match[3] };
}

function hasToken(headers: HeaderList, name: string, token: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(
    ([n, v]) =>
      n.toLowerCase() === lower &&
      v
        .toLowerCase()
        .split(',')
        .some((t) => t.trim() === token),
  );
}

export function isChunked(headers: HeaderList): boolean {
  return hasToken(headers, 'transfer-encoding', 'chunked');
}

export function isUpgradeRequest(headers: HeaderList): boolean {
  return (
    hasToken(headers, 'connection', 'upgrade') && headerValue(headers, 'upgrade') !== undefined
  );
}

export function wantsClose(headers: HeaderList, version: string): boolean {
  if (hasToken(headers, 'connection', 'close')) return true;
  return version === 'HTTP/1.0' && !hasToken(headers, 'connection', 'keep-alive');
}

function contentLength(headers: HeaderList): number | null {
  const value = headerValue(headers, 'content-length');
  if (value === undefined) return null;
  // Repeated identical values ("5, 5") are allowed by RFC 9110.
  const first = value.split(',')[0]?.trim() ?? '';
  return /^\d{1,15}$/.test(first) ? Number(first) : null;
}

/** RFC 9112 §6.3 for requests: chunked, a length, or no body. */
export function requestBodyMode(headers: HeaderList): BodyMode {
  if (isChunked(headers)) return { kind: 'chunked' };
  const length = contentLength(headers);
  return length === null || length === 0 ? { kind: 'none' } : { kind: 'length', length };
}

/** RFC 9112 §6.3 for responses, given the request method and the status. */
export function responseBodyMode(method: string, status: number, headers: HeaderList): BodyMode {
  if (method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304)
    return { kind: 'none' };
  if (method === 'CONNECT' && status >= 200 && status < 300) return { kind: 'none' };
  if (isChunked(headers)) return { kind: 'chunked' };
  const length = contentLength(headers);
  if (length !== null) return length === 0 ? { kind: 'none' } : { kind: 'length', length };
  return { kind: 'close' };
}

const proxyOnlyHeaders = new Set(['proxy-connection', 'proxy-authorization', 'keep-alive']);

/**
 * The request head to send upstream: origin-form target, proxy-only headers dropped, Host set
 * when given (reverse mode). Every other header keeps its name, order and value.
 */
export function upstreamRequestHead(
  head: HttpHead,
  line: RequestLine,
  originForm: string,
  host?: string,
): Buffer {
  let text = `${line.method} ${originForm} ${line.version}\r\n`;
  let hostWritten = false;
  for (const [name, value] of head.headers) {
    const lower = name.toLowerCase();
    if (proxyOnlyHeaders.has(lower)) continue;
    if (lower === 'host') {
      if (hostWritten) continue;
      hostWritten = true;
      text += `${name}: ${host ?? value}\r\n`;
      continue;
    }
    text += `${name}: ${value}\r\n`;
  }
  if (!hostWritten && host !== undefined) text += `Host: ${host}\r\n`;
  return Buffer.from(text + '\r\n', 'latin1');
}

export function contentTypeEssence(headers: HeaderList): string {
  return (headerValue(headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
