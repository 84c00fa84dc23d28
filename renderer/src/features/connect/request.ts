/** The dialog's form as an OpenConnectionRequest, with the checks the user should see first. */
import type { OpenConnectionRequest } from '../../../../shared/api.ts';

export interface ConnectForm {
  url: string;
  mode: 'ws' | 'sse';
  headers: { name: string; value: string }[];
  protocols: string;
  method: string;
  body: string;
  insecure: boolean;
  deflate: boolean;
}

export const emptyForm: ConnectForm = {
  url: '',
  mode: 'ws',
  headers: [],
  protocols: '',
  method: 'GET',
  body: '',
  insecure: false,
  deflate: true,
};

/** ws:/wss: mean WebSocket, http:/https: mean SSE; anything else keeps the current choice. */
export function modeForUrl(url: string, current: 'ws' | 'sse'): 'ws' | 'sse' {
  if (/^wss?:/i.test(url)) return 'ws';
  if (/^https?:/i.test(url)) return 'sse';
  return current;
}

export function formToRequest(
  form: ConnectForm,
): { ok: true; request: OpenConnectionRequest } | { ok: false; error: string } {
  const url = form.url.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {
      ok: false,
      error: 'Enter a full URL, such as wss://example.com/socket or https://example.com/events.',
    };
  }
  const scheme = parsed.protocol;
  if (
    form.mode === 'ws' &&
    scheme !== 'ws:' &&
    scheme !== 'wss:' &&
    scheme !== 'http:' &&
    scheme !== 'https:'
  )
    return { ok: false, error: `A WebSocket URL starts with ws:// or wss:// (not ${scheme}).` };
  if (form.mode === 'sse' && scheme !== 'http:' && scheme !== 'https:')
    return {
      ok: false,
      error: `An event stream URL starts with http:// or https:// (not ${scheme}).`,
    };
  const headers: [string, string][] = [];
  for (const { name, value } of form.headers) {
    if (name.trim() === '' && value.trim() === '') continue;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name.trim()))
      return { ok: false, error: `“${name}” is not a valid header name.` };
    headers.push([name.trim(), value]);
  }
  const request: OpenConnectionRequest = { url, mode: form.mode };
  if (headers.length > 0) request.headers = headers;
  if (form.insecure) request.insecure = true;
  if (form.mode === 'ws') {
    const protocols = form.protocols.split(/[\s,]+/).filter((p) => p !== '');
    if (protocols.length > 0) request.protocols = protocols;
    request.deflate = form.deflate;
  } else {
    const method = form.method.trim().toUpperCase() || 'GET';
    if (method !== 'GET') request.method = method;
    if (form.body !== '' && method !== 'GET') request.body = form.body;
  }
  return { ok: true, request };
}

export function requestToForm(request: OpenConnectionRequest): ConnectForm {
  return {
    url: request.url,
    mode: request.mode ?? modeForUrl(request.url, 'ws'),
    headers: (request.headers ?? []).map(([name, value]) => ({ name, value })),
    protocols: (request.protocols ?? []).join(', '),
    method: request.method ?? 'GET',
    body: request.body ?? '',
    insecure: request.insecure ?? false,
    deflate: request.deflate ?? true,
  };
}
