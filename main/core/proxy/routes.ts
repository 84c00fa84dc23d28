/**
 * Where each request on a client stream goes. The forward proxy takes the absolute URI; a
 * tunnel sends everything to the CONNECT target; reverse mode sends everything to `--target`.
 */
import type { HttpHead } from '../util/http-head.ts';
import { headerValue } from '../util/http-head.ts';
import type { RequestLine } from './http-heads.ts';
import type { Origin } from './upstream.ts';
import { hostForUrl, stripBrackets } from './upstream.ts';

export interface Route {
  origin: Origin;
  /** The request-target sent upstream (origin-form). */
  target: string;
  /** Host header to send instead of the client's (reverse mode). */
  host?: string;
  /** The URL recorded, with an http(s) scheme (ws/wss is derived for upgrades). */
  url: string;
}

export interface RouteRefusal {
  status: number;
  message: string;
}

export type Router = (line: RequestLine, head: HttpHead) => Route | RouteRefusal;

const schemes: Record<string, boolean> = {
  'http:': false,
  'https:': true,
  'ws:': false,
  'wss:': true,
};

function defaultPort(secure: boolean): number {
  return secure ? 443 : 80;
}

/** Absolute-URI requests, as HTTP_PROXY clients send them. */
export const forwardRouter: Router = (line) => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(line.target)) {
    return {
      status: 400,
      message:
        "This is Telltale's proxy: send requests with an absolute URI (set it as your HTTP proxy) or use CONNECT.",
    };
  }
  let url: URL;
  try {
    url = new URL(line.target);
  } catch {
    return { status: 400, message: `bad request URI ${line.target}` };
  }
  const secure = schemes[url.protocol];
  if (secure === undefined) return { status: 400, message: `unsupported scheme ${url.protocol}` };
  const host = stripBrackets(url.hostname);
  const port = url.port === '' ? defaultPort(secure) : Number(url.port);
  const scheme = secure ? 'https' : 'http';
  // The original path and query, byte for byte (URL would re-encode them).
  const afterAuthority = line.target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const target =
    afterAuthority === '' || afterAuthority.startsWith('?') ? `/${afterAuthority}` : afterAuthority;
  return {
    origin: { secure, host, port },
    target,
    url: `${scheme}://${url.host}${target}`,
  };
};

/** Inside a CONNECT tunnel: every request goes to the tunnel's target. */
export function tunnelRouter(origin: Origin): Router {
  return (line, head) => {
    const scheme = origin.secure ? 'https' : 'http';
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line.target)) {
      const absolute = forwardRouter(line, head);
      if ('origin' in absolute) return { ...absolute, origin };
      return absolute;
    }
    const authority =
      headerValue(head.headers, 'host') ??
      (origin.port === defaultPort(origin.secure)
        ? hostForUrl(origin.host)
        : `${hostForUrl(origin.host)}:${origin.port}`);
    return { origin, target: line.target, url: `${scheme}://${authority}${line.target}` };
  };
}

/** Reverse mode: everything to one upstream, Host rewritten to the target's. */
export function reverseRouter(targetUrl: string): Router {
  const target = new URL(targetUrl);
  const secure = schemes[target.protocol];
  if (secure === undefined) throw new Error(`unsupported target scheme ${target.protocol}`);
  const origin: Origin = {
    secure,
    host: stripBrackets(target.hostname),
    port: target.port === '' ? defaultPort(secure) : Number(target.port),
  };
  const prefix = target.pathname === '/' ? '' : target.pathname.replace(/\/$/, '');
  const scheme = secure ? 'https' : 'http';
  return (line) => {
    let path = line.target;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
    }
    const sent = prefix + path;
    return { origin, target: sent, host: target.host, url: `${scheme}://${target.host}${sent}` };
  };
}

export function wsUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}
