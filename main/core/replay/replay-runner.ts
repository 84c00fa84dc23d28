/**
 * Replays a recorded connection against its server (or another URL): a fresh connection opened
 * with the recorded handshake (headers, subprotocols, deflate offer; SSE method and body), the
 * client's messages sent again with the recorded timing (scaled), as fast as possible, or each
 * after the server's replies that preceded it in the recording. The run is recorded as a new
 * connection (`source: "replay"`, `replayOf` the recorded id) in the target store, and the
 * server's side is compared with the recording.
 */
import type { Connection, HeaderList } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import { openSseConnection } from '../connect/sse-client.ts';
import type { SseOutcome } from '../connect/sse-client.ts';
import { openWsConnection } from '../connect/ws-client.ts';
import type { WsOutcome } from '../connect/ws-client.ts';
import type { SessionStore } from '../session/store.ts';
import { compareServerMessages } from './compare.ts';
import type { ReplayComparison } from './compare.ts';
import { headerOf, isMessage, readRecording } from './recording.ts';
import type { Recording } from './recording.ts';

export type ReplayMode = 'timed' | 'fast' | 'step';

export interface ReplayOptions {
  /** Another endpoint than the recorded one. */
  url?: string;
  /** Default `timed`. */
  mode?: ReplayMode;
  /** Timed mode: 2 plays twice as fast (default 1). */
  speed?: number;
  /** Step mode: how long to wait for the server's replies before sending anyway (default 5000). */
  replyTimeoutMs?: number;
  /** After the last message: how long to wait for the rest of the server's side (default 2000). */
  settleMs?: number;
  insecure?: boolean;
  /** Ends the run early (the connection is closed cleanly). */
  signal?: AbortSignal;
}

export interface ReplayRun {
  /** The new connection in the target store. */
  connectionId: string;
  replayOf: string;
  /** Client messages sent. */
  sent: number;
  outcome: WsOutcome | SseOutcome;
  comparison: ReplayComparison;
}

/** Headers the WebSocket client (or HTTP) makes itself for the new connection. */
const managedHeaders = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
  'content-length',
  'transfer-encoding',
  'proxy-connection',
  'keep-alive',
  'last-event-id',
]);

export function replayHeaders(headers: HeaderList): HeaderList {
  return headers.filter(
    ([name]) => !managedHeaders.has(name.toLowerCase()) && !name.startsWith(':'),
  );
}

export async function replayConnection(
  source: SessionStore,
  connectionId: string | undefined,
  options: ReplayOptions,
  target: SessionStore,
): Promise<ReplayRun> {
  const recording = readRecording(source, connectionId);
  return recording.connection.kind === 'ws'
    ? replayWs(recording, options, target)
    : replaySse(recording, options, target);
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** The server's messages of a connection in a store, read as they arrive. */
function serverMessages(store: SessionStore, id: string): Entry[] {
  return [...store.entriesOf(id)].filter((e) => e.direction === 'in' && isMessage(e));
}

/** Resolves once `count()` reaches `n`, the run ended, or the time is up; says which. */
async function waitForCount(
  count: () => number,
  n: number,
  timeoutMs: number,
  ended: () => boolean,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (count() < n) {
    if (ended() || signal?.aborted || performance.now() >= deadline) return false;
    await sleep(2);
  }
  return true;
}

function wsOffer(connection: Connection): { protocols: string[]; deflate: boolean } {
  const offered = headerOf(connection.requestHeaders, 'sec-websocket-protocol');
  const protocols = offered
    ? offered
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')
    : connection.protocol
      ? [connection.protocol]
      : [];
  const extensions =
    headerOf(connection.requestHeaders, 'sec-websocket-extensions') ?? connection.extensions ?? '';
  return { protocols, deflate: /permessage-deflate/i.test(extensions) };
}

async function replayWs(
  recording: Recording,
  options: ReplayOptions,
  target: SessionStore,
): Promise<ReplayRun> {
  const { connection } = recording;
  const mode = options.mode ?? 'timed';
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`replay speed must be above 0, got ${String(speed)}`);
  const offer = wsOffer(connection);
  const handle = openWsConnection(target, {
    url: options.url ?? connection.url,
    headers: replayHeaders(connection.requestHeaders),
    protocols: offer.protocols,
    deflate: offer.deflate,
    insecure: options.insecure ?? false,
    source: 'replay',
  });
  const id = handle.connectionId;
  target.updateConnection(id, { replayOf: connection.id });
  const state = { ended: false };
  void handle.done.then(() => (state.ended = true));
  const isEnded = (): boolean => state.ended;
  const received = (): number => serverMessages(target, id).length;
  const recordedIn = recording.messages.filter((m) => m.direction === 'in');
  let sent = 0;
  try {
    await handle.opened;
  } catch {
    const outcome = await handle.done;
    return finish(outcome);
  }

  const openedAt = performance.now();
  let serverBefore = 0;
  for (const message of recording.messages) {
    if (options.signal?.aborted || state.ended) break;
    if (message.direction === 'in') {
      serverBefore += 1;
      continue;
    }
    if (mode === 'timed') {
      const due = (message.time - recording.startedAt) / speed;
      await sleep(due - (performance.now() - openedAt), options.signal);
    } else if (mode === 'step') {
      await waitForCount(
        received,
        serverBefore,
        options.replyTimeoutMs ?? 5000,
        () => state.ended,
        options.signal,
      );
    }
    // (Read through a call: the awaits above may have ended the run.)
    if (options.signal?.aborted || isEnded()) break;
    try {
      if (message.kind === 'text' && typeof message.payload === 'string')
        await handle.sendText(message.payload);
      else await handle.sendBinary(toBytes(message.payload));
      sent += 1;
    } catch {
      break; // the server went away: the outcome says how
    }
  }
  await waitForCount(
    received,
    recordedIn.length,
    options.settleMs ?? 2000,
    () => state.ended,
    options.signal,
  );
  if (recording.serverClose && !options.signal?.aborted) {
    // The server closed the recorded conversation: give it the chance to do so again.
    await Promise.race([handle.done, sleep(options.settleMs ?? 2000, options.signal)]);
  }
  const clientCode =
    connection.closeInitiator === 'out' && connection.closeCode !== undefined
      ? connection.closeCode
      : 1000;
  const outcome = state.ended
    ? await handle.done
    : await handle.close(validCloseCode(clientCode), '');
  return finish(outcome);

  function finish(outcome: WsOutcome): ReplayRun {
    target.flush();
    return {
      connectionId: id,
      replayOf: connection.id,
      sent,
      outcome,
      comparison: compareServerMessages(recordedIn, serverMessages(target, id)),
    };
  }
}

/** A recorded 1005/1006 cannot be sent; it becomes a normal closure. */
function validCloseCode(code: number): number {
  return code === 1005 || code === 1006 || code === 1015 ? 1000 : code;
}

function toBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}

async function replaySse(
  recording: Recording,
  options: ReplayOptions,
  target: SessionStore,
): Promise<ReplayRun> {
  const { connection } = recording;
  const body =
    connection.requestBody ??
    (connection.requestBodyBase64 === undefined
      ? undefined
      : Buffer.from(connection.requestBodyBase64, 'base64'));
  const handle = openSseConnection(target, {
    url: options.url ?? connection.url,
    method: connection.method,
    headers: replayHeaders(connection.requestHeaders),
    ...(body === undefined ? {} : { body }),
    reconnect: false,
    insecure: options.insecure ?? false,
    source: 'replay',
  });
  handle.opened.catch(() => undefined); // the outcome says how it failed
  const id = handle.connectionId;
  target.updateConnection(id, { replayOf: connection.id });
  const state = { ended: false };
  void handle.done.then(() => (state.ended = true));
  const recordedIn = recording.messages.filter((m) => m.direction === 'in');
  // A stream may never end by itself: once the recorded number of events came, a short settle.
  await waitForCount(
    () => serverMessages(target, id).length,
    recordedIn.length,
    Math.max(options.settleMs ?? 2000, (recordedDuration(recording) * 2) / (options.speed ?? 1)),
    () => state.ended,
    options.signal,
  );
  if (!state.ended)
    await Promise.race([handle.done, sleep(options.settleMs ?? 2000, options.signal)]);
  const outcome = state.ended ? await handle.done : await handle.close();
  target.flush();
  return {
    connectionId: id,
    replayOf: connection.id,
    sent: 0,
    outcome,
    comparison: compareServerMessages(recordedIn, serverMessages(target, id)),
  };
}

function recordedDuration(recording: Recording): number {
  const last = recording.messages.at(-1);
  return last ? Math.max(0, last.time - recording.startedAt) : 0;
}
