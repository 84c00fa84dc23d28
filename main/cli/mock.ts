/**
 * `telltale mock FILE [--connection ID] [--port P]`: serves a recorded WebSocket or SSE
 * connection on a loopback port. Prints the URL (stdout) as soon as it accepts clients; runs
 * until SIGINT/SIGTERM, then exits 0.
 */
import { parseArgs } from 'node:util';
import { startMockServer } from '../core/replay/mock-server.ts';
import type { MockMode } from '../core/replay/mock-server.ts';
import { loadRecordingFile } from '../core/replay/load.ts';
import { ReplayError } from '../core/replay/recording.ts';
import { SessionFileError } from '../core/session/ndjson-reader.ts';
import { parsePort, warnIfNotLoopback } from './listen-options.ts';
import { stopSignal, untilStopped } from './stop-signal.ts';
import { flushStdout, writeStdout } from './stdout.ts';
import { UsageError } from './usage.ts';

export const mockUsage = `telltale mock FILE [options]     serve a recorded WebSocket or SSE connection as a fake
                                 server; prints the URL it serves on

mock options:
  --connection ID              the recorded connection: its id, its #position among the WS/SSE
                               connections, or part of its URL (optional when FILE holds one)
  --port N                     listen on this port (default 0: a free one)
  --host ADDR                  listen address (default 127.0.0.1)
  --answer                     WebSocket: send each recorded server message in answer to the
                               client's next message (default: with the recorded timing);
                               SSE: all events at once
`;

export interface MockArgs {
  file: string;
  connection: string | undefined;
  port: number;
  host: string;
  mode: MockMode;
}

export function parseMockArgs(argv: string[]): MockArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        connection: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        answer: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, mockUsage);
  }
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('mock needs a session file', mockUsage);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra.join(' ')}"`, mockUsage);
  return {
    file,
    connection: values.connection,
    port: values.port === undefined ? 0 : parsePort('--port', values.port),
    host: values.host ?? '127.0.0.1',
    mode: values.answer === true ? 'answer' : 'timed',
  };
}

/** `stop` ends the server (tests); by default SIGINT/SIGTERM do. */
export async function runMock(argv: string[], stop: AbortSignal = stopSignal()): Promise<number> {
  const args = parseMockArgs(argv);
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
  warnIfNotLoopback(args.host);
  const server = await startMockServer(loaded.store, loaded.connection.id, {
    port: args.port,
    host: args.host,
    mode: args.mode,
  });
  writeStdout(`${server.url}\n`);
  process.stderr.write(
    `telltale: mock of ${loaded.connection.kind} ${loaded.connection.url} (connection ${loaded.connection.id}, ${args.mode}) on ${server.url}\n`,
  );
  await untilStopped(stop);
  await server.close();
  await flushStdout();
  return 0;
}
