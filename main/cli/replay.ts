/**
 * `telltale replay FILE [--connection ID] [--url URL] [--speed X | --as-fast-as-possible |
 * --step-on-reply] [--save OUT]`: replays a recorded WebSocket or SSE connection against its
 * server (or URL). Prints the new run as NDJSON lines (as `connect` does), then one
 * `{"type":"replay-comparison",…}` line saying where the server's side differed; a summary goes
 * to stderr. Exit 0 when the run completed (differences or not), 1 when it could not connect.
 */
import { parseArgs } from 'node:util';
import { loadRecordingFile } from '../core/replay/load.ts';
import { ReplayError } from '../core/replay/recording.ts';
import { replayConnection } from '../core/replay/replay-runner.ts';
import type { ReplayMode, ReplayRun } from '../core/replay/replay-runner.ts';
import { SessionFileError } from '../core/session/ndjson-reader.ts';
import { SessionStore } from '../core/session/store.ts';
import { checkSavePath, openCliSaveTarget } from './save-option.ts';
import { stopSignal } from './stop-signal.ts';
import { printNdjson } from './ndjson-output.ts';
import { flushStdout, writeStdout } from './stdout.ts';
import { UsageError } from './usage.ts';

export const replayUsage = `telltale replay FILE [options]   replay a recorded WebSocket or SSE connection against its
                                 server (or --url) and report where the server's side differs

replay options:
  --connection ID              the recorded connection: its id, its #position among the WS/SSE
                               connections, or part of its URL (optional when FILE holds one)
  --url URL                    replay against this endpoint instead of the recorded one
  --speed X                    the recorded timing, X times faster (default 1; 0.5 is slower)
  --as-fast-as-possible        send every client message at once
  --step-on-reply              send each client message after the server's replies that came
                               before it in the recording
  --reply-timeout SECONDS      how long --step-on-reply and the end of the run wait for the
                               server (default 5)
  --insecure                   accept invalid or self-signed TLS certificates
  --save FILE                  the new run: FILE.ndjson (lossless) or FILE.har (redacted unless
                               --no-redact)
`;

export interface ReplayArgs {
  file: string;
  connection: string | undefined;
  url: string | undefined;
  mode: ReplayMode;
  speed: number;
  replyTimeoutMs: number;
  insecure: boolean;
  save: string | undefined;
  redact: boolean;
}

export function parseReplayArgs(argv: string[]): ReplayArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        connection: { type: 'string' },
        url: { type: 'string' },
        speed: { type: 'string' },
        'as-fast-as-possible': { type: 'boolean' },
        'step-on-reply': { type: 'boolean' },
        'reply-timeout': { type: 'string' },
        insecure: { type: 'boolean' },
        save: { type: 'string' },
        redact: { type: 'boolean', default: true },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, replayUsage);
  }
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('replay needs a session file', replayUsage);
  if (extra.length > 0)
    throw new UsageError(`unexpected argument "${extra.join(' ')}"`, replayUsage);
  const modes = [
    values.speed !== undefined,
    values['as-fast-as-possible'] === true,
    values['step-on-reply'] === true,
  ].filter(Boolean).length;
  if (modes > 1) {
    throw new UsageError(
      'choose one of --speed, --as-fast-as-possible and --step-on-reply',
      replayUsage,
    );
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`--speed ${values.speed ?? ''}: expected a number above 0`, replayUsage);
  }
  const timeout = values['reply-timeout'] === undefined ? 5 : Number(values['reply-timeout']);
  if (!Number.isFinite(timeout) || timeout < 0) {
    throw new UsageError(
      `--reply-timeout ${values['reply-timeout'] ?? ''}: expected seconds (0 or more)`,
      replayUsage,
    );
  }
  if (values.url !== undefined) {
    let url: URL;
    try {
      url = new URL(values.url);
    } catch {
      throw new UsageError(`--url ${values.url}: not a valid URL`, replayUsage);
    }
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new UsageError(`--url ${values.url}: use a ws, wss, http or https URL`, replayUsage);
    }
  }
  if (values.save !== undefined) checkSavePath(values.save);
  return {
    file,
    connection: values.connection,
    url: values.url,
    mode: values['as-fast-as-possible'] ? 'fast' : values['step-on-reply'] ? 'step' : 'timed',
    speed,
    replyTimeoutMs: timeout * 1000,
    insecure: values.insecure ?? false,
    save: values.save,
    redact: values.redact,
  };
}

export async function runReplay(argv: string[], stop: AbortSignal = stopSignal()): Promise<number> {
  const args = parseReplayArgs(argv);
  let loaded;
  try {
    loaded = await loadRecordingFile(args.file, args.connection);
  } catch (error) {
    if (error instanceof SessionFileError || error instanceof ReplayError) {
      process.stderr.write(`telltale: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const target = new SessionStore();
  const writer = args.save ? await openCliSaveTarget(args.save, target, args.redact) : null;
  printNdjson(target);
  let run: ReplayRun;
  try {
    run = await replayConnection(
      loaded.store,
      loaded.connection.id,
      {
        mode: args.mode,
        speed: args.speed,
        replyTimeoutMs: args.replyTimeoutMs,
        settleMs: args.replyTimeoutMs,
        insecure: args.insecure,
        signal: stop,
        ...(args.url === undefined ? {} : { url: args.url }),
      },
      target,
    );
  } finally {
    target.flush();
    await writer?.close();
  }
  const { comparison } = run;
  writeStdout(
    JSON.stringify({
      type: 'replay-comparison',
      connectionId: run.connectionId,
      replayOf: run.replayOf,
      sent: run.sent,
      outcome: run.outcome,
      ...comparison,
    }) + '\n',
  );
  await flushStdout();
  process.stderr.write(
    `telltale: replayed ${loaded.connection.id} as ${run.connectionId}: ${String(run.sent)} sent, ` +
      `${String(comparison.matched)}/${String(comparison.recorded)} server messages as recorded` +
      (comparison.differences.length === 0
        ? ''
        : `, ${String(comparison.differences.length)} differ (first at #${String(comparison.differences[0]?.index ?? 0)}: ${comparison.differences[0]?.kind ?? ''})`) +
      '\n',
  );
  if (run.outcome.kind === 'failed') {
    process.stderr.write(`telltale: ${run.outcome.error}\n`);
    return 1;
  }
  return 0;
}
