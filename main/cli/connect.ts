import { openSseConnection } from '../core/connect/sse-client.ts';
import type { SseOutcome } from '../core/connect/sse-client.ts';
import { openWsConnection } from '../core/connect/ws-client.ts';
import type { WsOutcome } from '../core/connect/ws-client.ts';
import { SessionStore } from '../core/session/store.ts';
import { parseConnectArgs } from './connect-args.ts';
import { openCliSaveTarget } from './save-option.ts';
import type { ConnectArgs } from './connect-args.ts';
import { stopSignal } from './stop-signal.ts';
import { printNdjson } from './ndjson-output.ts';
import { flushStdout } from './stdout.ts';

/**
 * `telltale connect URL …`: opens the connection, prints the connection record and every entry
 * as NDJSON lines (the same shape as the session file), and always leaves a complete --save
 * file, whatever the ending: the server's close, --for, SIGINT/SIGTERM or a failure.
 */
export async function runConnect(argv: string[]): Promise<number> {
  const args = parseConnectArgs(argv);
  const store = new SessionStore();
  const writer = args.save ? await openCliSaveTarget(args.save, store, args.redact) : null;
  printNdjson(store);

  const session = args.mode === 'ws' ? connectWs(store, args) : connectSse(store, args);
  const stop = stopSignal();
  let exitCode: number;
  try {
    exitCode = await session.run(stop, args.forSeconds);
  } finally {
    store.flush();
    await writer?.close();
    await flushStdout();
  }
  return exitCode;
}

interface RunningSession {
  run(stop: AbortSignal, forSeconds: number | undefined): Promise<number>;
}

function waitForStop(
  stop: AbortSignal,
  forSeconds: number | undefined,
): { promise: Promise<'stop'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<'stop'>((resolve) => {
    if (forSeconds !== undefined) {
      timer = setTimeout(() => {
        resolve('stop');
      }, forSeconds * 1000);
    }
    onAbort = () => {
      resolve('stop');
    };
    if (stop.aborted) resolve('stop');
    else stop.addEventListener('abort', onAbort, { once: true });
  });
  return {
    promise,
    cancel() {
      clearTimeout(timer);
      if (onAbort) stop.removeEventListener('abort', onAbort);
    },
  };
}

function connectWs(store: SessionStore, args: ConnectArgs): RunningSession {
  return {
    async run(stop, forSeconds) {
      const handle = openWsConnection(store, {
        url: args.url,
        headers: args.headers,
        protocols: args.protocols,
        deflate: args.deflate,
        insecure: args.insecure,
        autoPingMs: args.pingSeconds === undefined ? 0 : args.pingSeconds * 1000,
      });
      const stopper = waitForStop(stop, forSeconds);
      try {
        const first = await Promise.race([
          handle.opened.then(() => 'open' as const),
          stopper.promise,
        ]);
        if (first === 'stop') return describeWsOutcome(await handle.close(1000, ''), true);
        for (const message of args.sends) {
          if (message.kind === 'text') await handle.sendText(message.text);
          else await handle.sendBinary(message.data);
        }
        const ended = await Promise.race([handle.done, stopper.promise]);
        if (ended === 'stop') return describeWsOutcome(await handle.close(1000, ''), true);
        return describeWsOutcome(ended, false);
      } catch (error) {
        // `opened` rejected (refused, TLS, HTTP error) or a send failed because the peer went away.
        const outcome = await handle.close(1000, '');
        if (outcome.kind === 'failed') return describeWsOutcome(outcome, false);
        process.stderr.write(`telltale: ${(error as Error).message}\n`);
        return 1;
      } finally {
        stopper.cancel();
      }
    },
  };
}

function describeWsOutcome(outcome: WsOutcome, stoppedByUs: boolean): number {
  switch (outcome.kind) {
    case 'closed':
      return 0;
    case 'aborted':
      if (stoppedByUs) return 0;
      process.stderr.write('telltale: the connection ended without a close frame\n');
      return 1;
    case 'failed':
      process.stderr.write(`telltale: ${outcome.error}\n`);
      return 1;
  }
}

function connectSse(store: SessionStore, args: ConnectArgs): RunningSession {
  return {
    async run(stop, forSeconds) {
      const handle = openSseConnection(store, {
        url: args.url,
        headers: args.headers,
        reconnect: args.reconnect,
        insecure: args.insecure,
        ...(args.method !== undefined ? { method: args.method } : {}),
        ...(args.data !== undefined ? { body: args.data } : {}),
      });
      const stopper = waitForStop(stop, forSeconds);
      try {
        const ended = await Promise.race([handle.done, stopper.promise]);
        return describeSseOutcome(ended === 'stop' ? await handle.close() : ended);
      } finally {
        stopper.cancel();
      }
    },
  };
}

function describeSseOutcome(outcome: SseOutcome): number {
  switch (outcome.kind) {
    case 'stopped':
    case 'ended':
      return 0;
    case 'failed':
      process.stderr.write(`telltale: ${outcome.error}\n`);
      return 1;
  }
}
