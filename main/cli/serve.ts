import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InspectorService } from '../core/service.ts';
import { dataDir } from '../core/util/data-dir.ts';
import { telltaleVersion } from '../core/version.ts';
import { startHeadlessServer } from '../server/server.ts';
import { stopSignal, untilStopped } from './stop-signal.ts';
import { flushStdout, writeStdout } from './stdout.ts';
import { UsageError } from './usage.ts';
import { parsePort, warnIfNotLoopback } from './listen-options.ts';

const rendererDir = join(import.meta.dirname, '../../out/renderer');

/**
 * `telltale serve`: the core without a window, its UI served to a browser. Prints the UI's URL
 * (with the per-run token) on stdout as soon as it accepts connections; SIGINT/SIGTERM close
 * every connection cleanly and exit 0.
 */
export async function runServe(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      allowNegative: true,
      options: {
        port: { type: 'string', default: '7300' },
        host: { type: 'string', default: '127.0.0.1' },
        open: { type: 'boolean', default: false },
        'proxy-port': { type: 'string', default: '8080' },
        proxy: { type: 'boolean', default: true },
        mitm: { type: 'boolean', default: true },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = parsePort('--port', values.port);
  // Handlers first: a signal that arrives as soon as the URL is printed still ends cleanly.
  const stop = stopSignal();
  const proxyPort = parsePort('--proxy-port', values['proxy-port']);
  warnIfNotLoopback(values.host);

  const data = dataDir();
  const service = new InspectorService({
    version: telltaleVersion,
    host: 'server',
    settingsPath: join(data, 'settings.json'),
    journalDir: join(data, 'sessions'),
    caDir: data,
  });
  let server;
  try {
    server = await startHeadlessServer({ service, rendererDir, port, host: values.host });
  } catch (error) {
    process.stderr.write(
      `telltale: cannot serve on ${values.host}:${port}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  writeStdout(`${server.url}\n`);
  process.stderr.write(`telltale: UI at ${server.url} (Ctrl+C to stop)\n`);
  if (values.proxy) {
    // The forward proxy listens from the start (the UI can stop or move it); a taken port is
    // reported, not fatal: the UI is still useful, and the proxy can be started elsewhere.
    const proxy = await service.startProxy({
      port: proxyPort,
      host: '127.0.0.1',
      mitm: values.mitm,
    });
    if (proxy.running && proxy.url) {
      process.stderr.write(
        `telltale: proxy at ${proxy.url}${proxy.ca ? ` (HTTPS interception with the CA at ${proxy.ca.certPath})` : ''}\n`,
      );
    } else {
      process.stderr.write(`telltale: ${proxy.error ?? 'the proxy did not start'}\n`);
    }
  }
  if (values.open) openBrowser(server.url);

  await untilStopped(stop);
  await service.shutdown();
  await server.close();
  await flushStdout();
  return 0;
}

function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {
      process.stderr.write(
        `telltale: could not open a browser (${command}); open ${url} yourself\n`,
      );
    });
    child.unref();
  } catch {
    process.stderr.write(`telltale: could not open a browser; open ${url} yourself\n`);
  }
}
