/**
 * `telltale proxy`: the intercepting proxy without a window. Prints where it listens (stdout,
 * as soon as it accepts connections), how to point clients at it (stderr), and with --json every
 * connection and entry as NDJSON lines (the session file's shape). --save is complete when the
 * process ends on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { loadOrCreateCa } from '../core/proxy/ca.ts';
import type { CertificateAuthority } from '../core/proxy/ca.ts';
import { isLoopback, startProxy } from '../core/proxy/proxy-server.ts';
import type { ProxyHandle } from '../core/proxy/proxy-server.ts';
import { SessionStore } from '../core/session/store.ts';
import { dataDir } from '../core/util/data-dir.ts';
import { stopSignal, untilStopped } from './stop-signal.ts';
import { printNdjson } from './ndjson-output.ts';
import { openSpillFile } from './spill-file.ts';
import { flushStdout, writeStdout } from './stdout.ts';
import { checkSavePath, openCliSaveTarget } from './save-option.ts';
import { UsageError } from './usage.ts';

export const proxyUsage = `telltale proxy [options]       a local intercepting proxy: WebSocket frames and SSE events
                                of the traffic through it, decoded beside byte-exact relaying

proxy options:
  --port N                     listen on this port (default 8080; 0 picks a free one)
  --host ADDR                  listen on this address (default 127.0.0.1; others are reachable
                               from the network: a warning is printed)
  --target URL                 reverse proxy: send everything to this http/https/ws/wss upstream
  --mitm                       intercept HTTPS in CONNECT tunnels with Telltale's CA
                               (see "telltale ca"); without it TLS tunnels are relayed blind
  --insecure-upstream          accept invalid upstream TLS certificates
  --max-body SIZE              keep each plain HTTP body up to SIZE decoded bytes for the record
                               (e.g. 65536, 64k, 4m; default 1m; 0 keeps none); the bodies
                               are always forwarded whole
  --json                       print every connection and entry as NDJSON on stdout
  --save FILE                  FILE.ndjson: the session written as it is captured (lossless);
                               FILE.har: written on exit, redacted unless --no-redact
`;

export interface ProxyArgs {
  port: number;
  host: string;
  target: string | undefined;
  mitm: boolean;
  insecureUpstream: boolean;
  maxBodyBytes: number;
  json: boolean;
  save: string | undefined;
  /** Redact a .har save; journals are never redacted. */
  redact: boolean;
}

export function parseProxyArgs(argv: string[]): ProxyArgs {
  let values;
  try {
    ({ values } = parseArgs({
      allowNegative: true,
      args: argv,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        target: { type: 'string' },
        mitm: { type: 'boolean' },
        'insecure-upstream': { type: 'boolean' },
        'max-body': { type: 'string' },
        json: { type: 'boolean' },
        save: { type: 'string' },
        redact: { type: 'boolean', default: true },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!/^\d{1,5}$/.test(values.port ?? '8080') || port > 65535) {
    throw new UsageError(`--port ${values.port ?? ''}: expected a port number 0-65535`);
  }
  if (values.target !== undefined) {
    let url: URL;
    try {
      url = new URL(values.target);
    } catch {
      throw new UsageError(`--target ${values.target}: not a valid URL`);
    }
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new UsageError(`--target ${values.target}: use an http, https, ws or wss URL`);
    }
    if (values.mitm) throw new UsageError('--mitm applies to the forward proxy, not --target');
  }
  if (values.save !== undefined) checkSavePath(values.save);
  return {
    port,
    host: values.host ?? '127.0.0.1',
    target: values.target,
    mitm: values.mitm ?? false,
    insecureUpstream: values['insecure-upstream'] ?? false,
    maxBodyBytes: parseByteSize('--max-body', values['max-body'] ?? '1m'),
    json: values.json ?? false,
    save: values.save,
    redact: values.redact,
  };
}

/** `65536`, `64k`, `4m` (binary units) → bytes. */
export function parseByteSize(flag: string, text: string): number {
  const match = /^(\d+)([km]?)$/i.exec(text.trim());
  if (!match) throw new UsageError(`${flag} ${text}: expected a size such as 65536, 64k or 4m`);
  const unit = (match[2] ?? '').toLowerCase();
  const bytes = Number(match[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
  if (!Number.isSafeInteger(bytes) || bytes > 1024 * 1024 * 1024) {
    throw new UsageError(`${flag} ${text}: at most 1024m`);
  }
  return bytes;
}

export async function runProxy(argv: string[]): Promise<number> {
  const args = parseProxyArgs(argv);
  // Handlers first: a signal that arrives as soon as the URL is printed still ends cleanly.
  const stop = stopSignal();
  const store = new SessionStore();
  const writer = args.save
    ? await openCliSaveTarget(args.save, store, args.redact)
    : openSpillFile(store);
  if (args.json) printNdjson(store);
  else printSummaries(store);

  let ca: CertificateAuthority | null = null;
  let proxy: ProxyHandle;
  try {
    if (args.mitm) ca = await loadOrCreateCa(dataDir());
    proxy = await startProxy(store, {
      port: args.port,
      host: args.host,
      mitm: ca,
      insecureUpstream: args.insecureUpstream,
      maxBodyBytes: args.maxBodyBytes,
      ...(args.target !== undefined ? { target: args.target } : {}),
    });
  } catch (error) {
    process.stderr.write(`telltale: cannot start the proxy: ${(error as Error).message}\n`);
    await writer.close();
    return 1;
  }
  if (args.json) {
    writeStdout(
      JSON.stringify({
        type: 'listening',
        url: proxy.url,
        ...(args.target ? { target: args.target } : {}),
        ...(ca ? { caCert: ca.certPath, caSpkiSha256: ca.spkiSha256 } : {}),
      }) + '\n',
    );
  } else {
    writeStdout(proxy.url + '\n');
  }
  process.stderr.write(instructions(proxy, args, ca));

  await untilStopped(stop);
  await proxy.close();
  store.flush();
  await writer.close();
  await flushStdout();
  return 0;
}

function instructions(
  proxy: ProxyHandle,
  args: ProxyArgs,
  ca: CertificateAuthority | null,
): string {
  const lines: string[] = [];
  if (!isLoopback(proxy.host)) {
    lines.push(
      `warning: listening on ${proxy.host}, not loopback: anyone who can reach this address can use the proxy`,
    );
  }
  if (args.target) {
    lines.push(`reverse proxy: ${proxy.url} → ${args.target}`, 'point your app at the URL above');
  } else {
    lines.push(
      `proxy listening on ${proxy.url}`,
      `  shell:    export HTTP_PROXY=${proxy.url} HTTPS_PROXY=${proxy.url}`,
      `  curl:     curl -N --proxy ${proxy.url} URL`,
      `  Chromium: chromium --proxy-server=${proxy.url} --proxy-bypass-list='<-loopback>'`,
    );
  }
  if (ca) {
    lines.push(
      `HTTPS interception is on; clients must trust Telltale's CA: ${ca.certPath}`,
      `  curl:     curl --cacert ${ca.certPath} --proxy ${proxy.url} URL`,
      `  Node:     NODE_EXTRA_CA_CERTS=${ca.certPath} NODE_USE_ENV_PROXY=1 HTTPS_PROXY=${proxy.url} node app.js`,
      `  Chromium: --ignore-certificate-errors-spki-list=${ca.spkiSha256}`,
    );
  } else if (!args.target) {
    lines.push(
      'HTTPS tunnels are relayed blind (add --mitm to decode wss:// and https:// traffic)',
    );
  }
  return lines.map((l) => `telltale: ${l}\n`).join('');
}

/** Without --json: one human line per connection when it ends (stderr). */
function printSummaries(store: SessionStore): void {
  const said = new Set<string>();
  store.subscribe((batch) => {
    for (const c of batch.connections) {
      if (said.has(c.id) || c.state === 'connecting' || c.state === 'open' || c.state === 'closing')
        continue;
      said.add(c.id);
      const status = c.response ? ` ${c.response.status}` : '';
      const why = c.error ? ` (${c.error})` : '';
      process.stderr.write(
        `telltale: ${c.kind} ${c.method} ${c.url}${status} ${c.state}, ${c.bytesOut} B out, ${c.bytesIn} B in${why}\n`,
      );
    }
  });
}
