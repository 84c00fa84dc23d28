/**
 * A private RabbitMQ for the STOMP real-library test: Debian's rabbitmq-server started as the
 * current user with its own data, logs, config, plugins file, Erlang cookie (HOME) and epmd, in a
 * temp dir, serving only web-STOMP on 127.0.0.1 (AMQP and plain STOMP listeners off). Its own
 * epmd is started here in the foreground so that it is this process's child and ends with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { closedPort } from '../../testing/loopback.ts';

/**
 * The server script itself, not the /usr/sbin wrapper (which switches to the `rabbitmq` user
 * and writes to /var/log).
 */
const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const EPMD_PATHS = ['/usr/bin/epmd', '/usr/lib/erlang/bin/epmd'];

export interface RabbitMq {
  /** web-STOMP: `ws://127.0.0.1:PORT/ws`. */
  url: string;
  origin: string;
  /** How long it took to accept connections, in ms. */
  bootMs: number;
  stop(): Promise<void>;
}

/** Why RabbitMQ cannot be started here, or undefined when it can be tried. */
export function rabbitMqMissing(): string | undefined {
  if (!existsSync(SERVER)) return `${SERVER} is not installed (apt-get install rabbitmq-server)`;
  if (EPMD_PATHS.every((p) => !existsSync(p))) return 'epmd is not installed (erlang-base)';
  return undefined;
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-15).join('\n');
}

/** Accepting connections on 127.0.0.1:port yet? */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
async function end(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function spawnTracked(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
  status: () => string | undefined;
} {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let status: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = `${path.basename(command)} exited (${String(code ?? signal)})`;
      resolve();
    });
    child.once('error', (error) => {
      status = `${path.basename(command)} failed to start: ${error.message}`;
      resolve();
    });
  });
  return { child, exited, output: () => output, status: () => status };
}

export async function startRabbitMq(bootTimeoutMs: number): Promise<RabbitMq> {
  const started = Date.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tt-rabbitmq-'));
  const [stompPort, distPort, epmdPort] = [
    await closedPort(),
    await closedPort(),
    await closedPort(),
  ];
  const config = path.join(dir, 'rabbitmq.conf');
  await writeFile(
    config,
    [
      'listeners.tcp = none',
      'stomp.listeners.tcp = none',
      `web_stomp.tcp.port = ${stompPort}`,
      'web_stomp.tcp.ip = 127.0.0.1',
      'log.console = true',
      'log.console.level = warning',
      'log.file = false',
      '',
    ].join('\n'),
  );
  const plugins = path.join(dir, 'enabled_plugins');
  await writeFile(plugins, '[rabbitmq_web_stomp].\n');
  // An empty env file, so /etc/rabbitmq/rabbitmq-env.conf does not apply.
  const envFile = path.join(dir, 'rabbitmq-env.conf');
  await writeFile(envFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: dir,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_NODENAME: `tt${String(process.pid)}@localhost`,
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    RABBITMQ_CONF_ENV_FILE: envFile,
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    RABBITMQ_DIST_PORT: String(distPort),
    // Distribution on loopback only, and our own epmd (never a daemon left behind).
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:
      '-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false',
  };
  const epmdBinary = EPMD_PATHS.find((p) => existsSync(p)) ?? 'epmd';
  const epmd = spawnTracked(epmdBinary, ['-port', String(epmdPort), '-address', '127.0.0.1'], env);
  const server = spawnTracked(SERVER, [], env);
  const stop = async () => {
    await end(server.child, server.exited, 10_000);
    await end(epmd.child, epmd.exited, 2000);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = started + bootTimeoutMs;
  try {
    for (;;) {
      const failed = server.status() ?? epmd.status();
      if (failed !== undefined)
        throw new Error(`${failed}:\n${tail(server.output() + epmd.output())}`);
      if (await accepts(stompPort)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `RabbitMQ not accepting web-STOMP after ${bootTimeoutMs} ms:\n${tail(server.output())}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `ws://127.0.0.1:${stompPort}/ws`,
    origin: `http://127.0.0.1:${stompPort}`,
    bootMs: Date.now() - started,
    stop,
  };
}
