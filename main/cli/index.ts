/**
 * The `telltale` command: the headless core without a window. Data goes to stdout, human
 * messages to stderr; exit 0 when done, 1 on a connection/HTTP/TLS/I-O failure, 2 on a usage
 * error or unreadable input.
 */
import { runConnect } from './connect.ts';
import { runServe } from './serve.ts';
import { runExport } from './export.ts';
import { proxyUsage, runProxy } from './proxy.ts';
import { caUsage, runCa } from './ca.ts';
import { inspectUsage, runInspect } from './inspect.ts';
import { replayUsage, runReplay } from './replay.ts';
import { mockUsage, runMock } from './mock.ts';
import { UsageError, usage } from './usage.ts';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'connect':
      return runConnect(rest);
    case 'serve':
      return runServe(rest);
    case 'export':
      return runExport(rest);
    case 'proxy':
      return runProxy(rest);
    case 'ca':
      return runCa(rest);
    case 'inspect':
      return runInspect(rest);
    case 'replay':
      return runReplay(rest);
    case 'mock':
      return runMock(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(fullUsage());
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(
      `telltale: ${error.message}\n${error.hint ?? 'run "telltale --help" for usage'}\n`,
    );
    process.exitCode = 2;
  } else {
    process.stderr.write(`telltale: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

/** The help text: the overview, then each command's own options where the command keeps them. */
function fullUsage(): string {
  const proxyOptions = proxyUsage.slice(proxyUsage.indexOf('proxy options:'));
  const section = (text: string, heading: string): string =>
    text.slice(Math.max(0, text.indexOf(heading)));
  return [
    usage,
    proxyOptions,
    section(replayUsage, 'replay options:'),
    section(mockUsage, 'mock options:'),
    caUsage,
    inspectUsage,
  ].join('\n');
}
