/**
 * Redaction for files made to be shared (export, `--save *.har`): header values and query
 * parameter values are replaced by a marker, so the file still parses and shows that something
 * was there. Journals are never redacted: they are the evidence.
 */
import type { Connection, HeaderList } from '../../../shared/model/connection.ts';

export const REDACTED = '[redacted]';

/** Redacted unless the caller opts out of the defaults. Names are matched case-insensitively. */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
];

export interface RedactionOptions {
  /** More header names to redact (case-insensitive). */
  headers?: readonly string[];
  /** Query parameter names to redact, in URLs and HAR `queryString` (case-insensitive). */
  queryParams?: readonly string[];
  /** Keep DEFAULT_REDACTED_HEADERS in the set (default true). */
  defaults?: boolean;
  /** Replacement text (default `[redacted]`). */
  marker?: string;
}

export interface RedactionPolicy {
  readonly headers: ReadonlySet<string>;
  readonly queryParams: ReadonlySet<string>;
  readonly marker: string;
}

/** `false` means no redaction; `true` or omitted options mean the defaults. */
export function redactionPolicy(
  options: RedactionOptions | boolean = true,
): RedactionPolicy | undefined {
  if (options === false) return undefined;
  const o = options === true ? {} : options;
  const headers = new Set((o.defaults ?? true) ? DEFAULT_REDACTED_HEADERS : []);
  for (const name of o.headers ?? []) headers.add(name.toLowerCase());
  const queryParams = new Set((o.queryParams ?? []).map((name) => name.toLowerCase()));
  return { headers, queryParams, marker: o.marker ?? REDACTED };
}

export function redactsHeader(policy: RedactionPolicy | undefined, name: string): boolean {
  return policy !== undefined && policy.headers.has(name.toLowerCase());
}

export function redactsQueryParam(policy: RedactionPolicy | undefined, name: string): boolean {
  return policy !== undefined && policy.queryParams.has(name.toLowerCase());
}

export function redactHeaders(
  headers: HeaderList,
  policy: RedactionPolicy | undefined,
): HeaderList {
  if (policy === undefined || !headers.some(([name]) => redactsHeader(policy, name))) {
    return headers;
  }
  return headers.map(([name, value]) =>
    redactsHeader(policy, name) ? [name, policy.marker] : [name, value],
  );
}

/**
 * Replaces the values of chosen query parameters, leaving the rest of the URL byte for byte
 * (URLSearchParams would re-encode every other parameter). Works on any string with a `?`.
 */
export function redactUrl(url: string, policy: RedactionPolicy | undefined): string {
  if (policy === undefined || policy.queryParams.size === 0) return url;
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const end = hash === -1 ? url.length : hash;
  const query = url.slice(q + 1, end);
  const redacted = query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      return redactsQueryParam(policy, decodeQueryComponent(rawName))
        ? `${rawName}=${policy.marker}`
        : part;
    })
    .join('&');
  return url.slice(0, q + 1) + redacted + url.slice(end);
}

/** The connection as it may be shared: headers, URL and negotiated values redacted. */
export function redactConnection(
  connection: Connection,
  policy: RedactionPolicy | undefined,
): Connection {
  if (policy === undefined) return connection;
  const redacted: Connection = {
    ...connection,
    url: redactUrl(connection.url, policy),
    requestHeaders: redactHeaders(connection.requestHeaders, policy),
  };
  if (connection.response !== undefined) {
    redacted.response = {
      ...connection.response,
      headers: redactHeaders(connection.response.headers, policy),
    };
  }
  // Some apps carry a token as the subprotocol; it is also stored apart from the header.
  if (connection.protocol !== undefined && redactsHeader(policy, 'sec-websocket-protocol')) {
    redacted.protocol = policy.marker;
  }
  return redacted;
}

export function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
