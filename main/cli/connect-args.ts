import { parseArgs } from 'node:util';
import type { HeaderList } from '../../shared/model/connection.ts';
import { checkSavePath } from './save-option.ts';
import { UsageError } from './usage.ts';

export type Outgoing = { kind: 'text'; text: string } | { kind: 'binary'; data: Uint8Array };

export interface ConnectArgs {
  url: string;
  mode: 'ws' | 'sse';
  headers: HeaderList;
  protocols: string[];
  method: string | undefined;
  data: string | undefined;
  sends: Outgoing[];
  forSeconds: number | undefined;
  pingSeconds: number | undefined;
  deflate: boolean;
  reconnect: boolean;
  insecure: boolean;
  save: string | undefined;
  /** Redact a .har save (Authorization, cookies…); journals are never redacted. */
  redact: boolean;
}

/** Parses `telltale connect` arguments; every mistake is a UsageError saying which one. */
export function parseConnectArgs(argv: string[]): ConnectArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      tokens: true,
      options: {
        header: { type: 'string', short: 'H', multiple: true },
        protocol: { type: 'string', multiple: true },
        sse: { type: 'boolean' },
        method: { type: 'string' },
        data: { type: 'string' },
        send: { type: 'string', multiple: true },
        'send-binary': { type: 'string', multiple: true },
        for: { type: 'string' },
        ping: { type: 'string' },
        deflate: { type: 'boolean', default: true },
        reconnect: { type: 'boolean', default: true },
        insecure: { type: 'boolean' },
        save: { type: 'string' },
        redact: { type: 'boolean', default: true },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals, tokens } = parsed;
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError(
      positionals.length === 0
        ? 'connect needs a URL'
        : `connect takes one URL, got ${positionals.length}`,
    );
  }
  let url: URL;
  try {
    url = new URL(positionals[0]);
  } catch {
    throw new UsageError(`not a valid URL: ${positionals[0]}`);
  }
  const scheme = url.protocol;
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(scheme)) {
    throw new UsageError(`unsupported URL scheme "${scheme}" (use ws:, wss:, http: or https:)`);
  }
  const mode = values.sse || scheme === 'http:' || scheme === 'https:' ? 'sse' : 'ws';
  if (mode === 'sse' && (scheme === 'ws:' || scheme === 'wss:'))
    url.protocol = scheme === 'ws:' ? 'http:' : 'https:';
  if (mode === 'ws' && (values.method !== undefined || values.data !== undefined)) {
    throw new UsageError('--method and --data apply to SSE requests, not WebSocket connections');
  }
  if (
    mode === 'sse' &&
    (values.send?.length || values['send-binary']?.length || values.protocol?.length)
  ) {
    throw new UsageError(
      '--send, --send-binary and --protocol apply to WebSocket connections, not SSE',
    );
  }

  const headers: HeaderList = (values.header ?? []).map((raw) => {
    const colon = raw.indexOf(':');
    const name = colon > 0 ? raw.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UsageError(`bad header "${raw}": expected 'Name: value'`);
    }
    const value = raw.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value))
      throw new UsageError(`bad header "${raw}": the value has a line break or NUL`);
    return [name, value];
  });

  // Sends keep the order in which they were given, text and binary mixed.
  const sends: Outgoing[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    if (token.name === 'send') sends.push({ kind: 'text', text: token.value });
    if (token.name === 'send-binary') sends.push({ kind: 'binary', data: parseHex(token.value) });
  }

  const save = values.save;
  if (save !== undefined) checkSavePath(save);

  return {
    url: url.toString(),
    mode,
    headers,
    protocols: values.protocol ?? [],
    method: values.method?.toUpperCase(),
    data: values.data,
    sends,
    forSeconds: parseSeconds('--for', values.for),
    pingSeconds: parseSeconds('--ping', values.ping),
    deflate: values.deflate,
    reconnect: values.reconnect,
    insecure: values.insecure ?? false,
    save,
    redact: values.redact,
  };
}

function parseSeconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(raw.trim()) || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `${flag} ${raw}: expected a positive number of seconds (decimals allowed)`,
    );
  }
  return seconds;
}

function parseHex(raw: string): Uint8Array {
  const hex = raw.replace(/[\s:]/g, '').replace(/^0x/i, '');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new UsageError(
      `--send-binary ${raw}: expected hex bytes such as "48656c6c6f" or "48 65 6c"`,
    );
  }
  return Buffer.from(hex, 'hex');
}
