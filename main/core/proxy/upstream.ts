import net from 'node:net';
import tls from 'node:tls';

/** Where a request goes: scheme decides whether the proxy speaks TLS to the upstream. */
export interface Origin {
  secure: boolean;
  host: string;
  port: number;
}

export function originKey(origin: Origin): string {
  return `${origin.secure ? 'https' : 'http'}://${hostForUrl(origin.host)}:${origin.port}`;
}

/** IPv6 literals take brackets in URLs and Host headers. */
export function hostForUrl(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Opens the upstream socket. TLS is verified unless `insecure`; SNI is the host name (none for
 * an IP literal); only HTTP/1.1 is offered, since the bytes are relayed as HTTP/1.1.
 */
export function connectUpstream(origin: Origin, insecure: boolean): net.Socket {
  const options = { host: origin.host, port: origin.port, allowHalfOpen: true };
  const socket = origin.secure
    ? tls.connect({
        ...options,
        servername: net.isIP(origin.host) ? '' : origin.host,
        rejectUnauthorized: !insecure,
        ALPNProtocols: ['http/1.1'],
      })
    : net.connect(options);
  socket.setNoDelay(true);
  return socket;
}

/** Parses `host:port` (CONNECT authority form), IPv6 in brackets. */
export function parseAuthority(authority: string, defaultPort: number): Origin | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/\s]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { secure: false, host: stripBrackets(match[1]), port };
}
