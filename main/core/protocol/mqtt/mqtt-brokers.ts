/**
 * Real MQTT brokers for the real-library test, each listening for MQTT over WebSocket on
 * 127.0.0.1: aedes in this process (3.1.1 only: aedes refuses protocol level 5), and Debian's
 * mosquitto as a child process (3.1.1 and 5), with its own config in a temp dir.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes, type PublishPacket } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { closedPort, listenLoopback } from '../../testing/loopback.ts';

export interface Broker {
  /** Where MQTT over WebSocket is served, `http://127.0.0.1:PORT`. */
  origin: string;
  stop(): Promise<void>;
}

export interface AedesBroker extends Broker {
  /** PUBLISH packets the broker received from clients (its own report). */
  published: { topic: string; payload: string; qos: number; retain: boolean }[];
}

export async function startAedes(): Promise<AedesBroker> {
  const broker = await Aedes.createBroker();
  const published: AedesBroker['published'] = [];
  broker.on('publish', (packet: PublishPacket, client: unknown) => {
    // Without a client it is the broker's own $SYS traffic.
    if (client === null || client === undefined) return;
    published.push({
      topic: packet.topic,
      payload: Buffer.from(packet.payload).toString(),
      qos: packet.qos,
      retain: packet.retain,
    });
  });
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, request) => {
    broker.handle(createWebSocketStream(ws), request);
  });
  const listening = await listenLoopback(server);
  return {
    origin: `http://127.0.0.1:${listening.port}`,
    published,
    async stop() {
      await new Promise<void>((resolve) => {
        broker.close(() => {
          resolve();
        });
      });
      wss.close();
      await listening.close();
    },
  };
}

const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'];

/** Debian's mosquitto binary, when installed (`apt-get install mosquitto`). */
export function mosquittoBinary(): string | undefined {
  return MOSQUITTO_PATHS.find((p) => existsSync(p));
}

/** Polls a TCP connect to 127.0.0.1:port until it is accepted, for at most `timeoutMs`. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  failed: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = failed();
    if (reason !== undefined) throw new Error(reason);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * mosquitto with a plain listener and a WebSocket one, both on 127.0.0.1 (it does not start
 * with a WebSocket listener alone), anonymous, without persistence.
 */
export async function startMosquitto(binary: string): Promise<Broker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tt-mosquitto-'));
  const plainPort = await closedPort();
  const wsPort = await closedPort();
  const config = path.join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      'per_listener_settings false',
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      `listener ${plainPort} 127.0.0.1`,
      'socket_domain ipv4',
      `listener ${wsPort} 127.0.0.1`,
      'socket_domain ipv4',
      'protocol websockets',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `mosquitto exited (${String(code ?? signal)}): ${stderr.trim()}`;
      resolve();
    });
  });
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(wsPort, 5000, () => exited);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin: `http://127.0.0.1:${wsPort}`, stop };
}
