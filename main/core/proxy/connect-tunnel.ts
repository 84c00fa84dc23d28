/**
 * A CONNECT tunnel: after our 200, the first bytes decide. Plain HTTP (browsers send ws:// and
 * http:// through CONNECT) is inspected as plain traffic; TLS is terminated with a leaf
 * certificate from Telltale's CA when MITM is on, else relayed blind and recorded as an opaque
 * tunnel with its byte counts.
 */
import type net from 'node:net';
import tls from 'node:tls';
import { describeNetworkError } from '../connect/network-error.ts';
import type { HttpHead } from '../util/http-head.ts';
import { ExchangeRecord } from './exchange-record.ts';
import type { RequestLine } from './http-heads.ts';
import { HttpSession, writeError } from './http-session.ts';
import type { HttpSessionOptions } from './http-session.ts';
import { tunnelRouter } from './routes.ts';
import type { Origin } from './upstream.ts';
import { connectUpstream, hostForUrl, parseAuthority } from './upstream.ts';
import { forward, Valve } from './valve.ts';

/** Issues TLS server contexts for intercepted hosts (Telltale's CA). */
export interface LeafIssuer {
  contextFor(host: string): Promise<tls.SecureContext>;
  /** Where the CA certificate is, for the "trust it like this" message. */
  readonly certPath: string;
}

export interface TunnelOptions extends Omit<
  HttpSessionOptions,
  'router' | 'onConnect' | 'initial'
> {
  mitm: LeafIssuer | null;
  /** How long a client may stay silent after our 200 before the tunnel is dropped. */
  sniffTimeoutMs: number;
}

const TLS_HANDSHAKE = 0x16;

export function handleConnect(
  client: net.Socket,
  line: RequestLine,
  head: HttpHead,
  rest: Buffer,
  options: TunnelOptions,
): void {
  const origin = parseAuthority(line.target, 443);
  if (!origin) {
    writeError(client, 400, `bad CONNECT target "${line.target}"`);
    return;
  }
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  const sniff = (first: Buffer): void => {
    if (first[0] === TLS_HANDSHAKE) {
      if (options.mitm) void intercept(client, origin, first, head, options, options.mitm);
      else blindTunnel(client, origin, first, head, options);
    } else {
      client.resume();
      new HttpSession(client, {
        ...options,
        router: tunnelRouter(origin),
        initial: first,
      });
    }
  };
  if (rest.length > 0) {
    sniff(rest);
    return;
  }
  const timer = setTimeout(() => {
    client.destroy();
  }, options.sniffTimeoutMs);
  client.once('data', (first: Buffer) => {
    clearTimeout(timer);
    client.pause();
    sniff(first);
  });
  client.once('close', () => {
    clearTimeout(timer);
  });
  client.on('error', () => undefined);
  client.resume();
}

function tunnelRecord(options: TunnelOptions, origin: Origin, head: HttpHead): ExchangeRecord {
  return new ExchangeRecord(options.store, {
    kind: 'http',
    url: `https://${hostForUrl(origin.host)}:${origin.port}`,
    method: 'CONNECT',
    requestHeaders: head.headers,
  });
}

/** TLS without MITM: relayed untouched both ways, recorded with its byte counts. */
function blindTunnel(
  client: net.Socket,
  origin: Origin,
  first: Buffer,
  head: HttpHead,
  options: TunnelOptions,
): void {
  const record = tunnelRecord(options, origin, head);
  const upstream = connectUpstream(origin, options.insecureUpstream);
  const clientValve = new Valve(client);
  const upstreamValve = new Valve(upstream);
  let bytesOut = first.length;
  let bytesIn = 0;
  let clientEnded = false;
  let upstreamEnded = false;
  let fault: string | null = null;
  upstream.write(first);
  upstream.once('connect', () => {
    record.update({ state: 'open' });
    record.lifecycle('open', 'opaque TLS tunnel (interception is off)');
  });
  client.on('data', (chunk: Buffer) => {
    bytesOut += chunk.length;
    forward(upstream, chunk, clientValve);
  });
  upstream.on('data', (chunk: Buffer) => {
    bytesIn += chunk.length;
    forward(client, chunk, upstreamValve);
  });
  const finish = (): void => {
    const counts = { bytesIn, bytesOut };
    const summary = `opaque tunnel: ${bytesOut} bytes out, ${bytesIn} bytes in`;
    if (fault) record.end(bytesIn === 0 ? 'failed' : 'aborted', `${fault} (${summary})`, counts);
    else record.end('closed', summary, counts);
  };
  client.on('end', () => {
    clientEnded = true;
    upstream.end();
  });
  upstream.on('end', () => {
    upstreamEnded = true;
    client.end();
  });
  client.on('error', (error: Error) => {
    fault ??= `client connection error: ${error.message}`;
  });
  upstream.on('error', (error: Error) => {
    fault ??= `upstream: ${describeNetworkError(error, `https://${line(origin)}`)}`;
  });
  client.on('close', () => {
    if (!clientEnded) fault ??= 'the client closed the tunnel abruptly';
    upstream.destroy();
    finish();
  });
  upstream.on('close', () => {
    if (!upstreamEnded) fault ??= 'the upstream connection was reset';
    client.destroy();
    finish();
  });
  client.resume();
}

function line(origin: Origin): string {
  return `${hostForUrl(origin.host)}:${origin.port}`;
}

/** Alerts a client sends when it refuses the certificate it was given. */
const distrust =
  /unknown ca|bad certificate|certificate unknown|unsupported certificate|access denied|decrypt error|alert number 4[2-9]|handshake failure/i;

/** MITM: TLS terminated with a leaf certificate for the SNI name (or the CONNECT host). */
async function intercept(
  client: net.Socket,
  origin: Origin,
  first: Buffer,
  head: HttpHead,
  options: TunnelOptions,
  issuer: LeafIssuer,
): Promise<void> {
  let context: tls.SecureContext;
  try {
    context = await issuer.contextFor(origin.host);
  } catch (error) {
    const record = tunnelRecord(options, origin, head);
    record.end(
      'failed',
      `could not make a certificate for ${origin.host}: ${(error as Error).message}`,
    );
    client.destroy();
    return;
  }
  // The sniffed bytes go back into the socket; TLSSocket reads what is buffered first.
  client.unshift(first);
  const secure = new tls.TLSSocket(client, {
    isServer: true,
    secureContext: context,
    ALPNProtocols: ['http/1.1'],
    SNICallback: (servername, callback) => {
      issuer.contextFor(servername).then(
        (ctx) => {
          callback(null, ctx);
        },
        (error: unknown) => {
          callback(error as Error);
        },
      );
    },
  });
  let established = false;
  const refused = (why: string): void => {
    if (established) return;
    established = true; // report once
    const record = tunnelRecord(options, origin, head);
    const trust =
      `the client does not trust Telltale's CA (${why}). Trust ${issuer.certPath}: ` +
      'curl --cacert FILE, Node NODE_EXTRA_CA_CERTS=FILE, Chromium ' +
      '--ignore-certificate-errors-spki-list=HASH (see `telltale proxy --mitm`), or add it to the system store';
    record.end(
      'failed',
      distrust.test(why) || why.includes('closed')
        ? trust
        : `TLS handshake with the client failed: ${why}`,
    );
    secure.destroy();
  };
  secure.once('secure', () => {
    established = true;

    new HttpSession(secure, {
      ...options,
      router: tunnelRouter({ secure: true, host: origin.host, port: origin.port }),
    });
    // Clients that check the certificate after the handshake (Node's, for one) just hang up.
    let spoke = false;
    secure.once('data', () => {
      spoke = true;
    });
    secure.once('close', () => {
      if (spoke) return;
      const record = tunnelRecord(options, origin, head);
      record.end(
        'failed',
        'the client closed the connection right after the TLS handshake without a request: ' +
          `it may not trust Telltale's CA (${issuer.certPath})`,
      );
    });
  });
  secure.on('error', (error: Error) => {
    refused(error.message);
  });
  secure.once('end', () => {
    refused('the client closed the connection during the TLS handshake');
  });
  secure.once('close', () => {
    refused('the client closed the connection during the TLS handshake');
  });
}
