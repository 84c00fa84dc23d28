import { isUtf8 } from 'node:buffer';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Connection, HeaderList } from '../../../shared/model/connection.ts';
import type { NewEntry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';
import { now } from '../util/clock.ts';
import { newConnectionId } from '../util/ids.ts';
import { settleOnce } from '../util/settle-once.ts';
import { readBoundedBody } from './bounded-body.ts';
import { reportByteCounts } from './byte-count-reporter.ts';
import { decodeBody } from './content-decoding.ts';
import { describeNetworkError } from './network-error.ts';
import { SseDecoder, sseOutputToEntry } from '../protocol/sse/index.ts';

export interface SseClientOptions {
  url: string;
  method?: string;
  headers?: HeaderList;
  body?: string | Uint8Array;
  insecure?: boolean;
  /** Reconnect as EventSource does when the stream ends or the network fails (default true). */
  reconnect?: boolean;
  /** Reconnection delay until the stream sets one with `retry:` (ms; EventSource uses ~3 s). */
  initialRetryMs?: number;
  /** Give up after this many reconnections in a row that delivered no event. */
  maxReconnects?: number;
  connectTimeoutMs?: number;
  source?: Connection['source'];
}

export type SseOutcome =
  { kind: 'ended'; reason: string } | { kind: 'failed'; error: string } | { kind: 'stopped' };

export interface SseClientHandle {
  /** Id of the connection in progress (each reconnection is a new connection). */
  readonly connectionId: string;
  /** Resolves when the first response is known good, rejects with a one-line reason if not. */
  readonly opened: Promise<void>;
  readonly done: Promise<SseOutcome>;
  close(): Promise<SseOutcome>;
}

const defaultRetryMs = 3000;

/**
 * An outbound Server-Sent Events stream with EventSource's reconnection rules. Every HTTP request
 * (each reconnect included) is its own connection, linked to the one it resumes; events are
 * decoded as bytes arrive, after de-chunking (undici) and content-decoding (zlib).
 */
export function openSseConnection(store: SessionStore, options: SseClientOptions): SseClientHandle {
  const controller = new AbortController();
  const dispatcher: Dispatcher = new Agent({
    connect: { rejectUnauthorized: !options.insecure, timeout: options.connectTimeoutMs ?? 10_000 },
  });
  let currentId = '';
  let lastEventId = '';
  let retryMs = options.initialRetryMs ?? defaultRetryMs;
  let stopped = false;

  const opened = settleOnce();

  const append = (connectionId: string, entry: Omit<NewEntry, 'connectionId'>): void => {
    store.append({ ...entry, connectionId });
  };
  const lifecycle = (connectionId: string, phase: NewEntry['lifecycle'], text: string): void => {
    append(connectionId, {
      time: now(),
      direction: 'in',
      kind: 'lifecycle',
      payload: text,
      payloadSize: 0,
      wireSize: 0,
      lifecycle: phase,
    });
  };

  /** One HTTP request; says how it ended and whether EventSource would reconnect. */
  async function attempt(
    resumes: string | undefined,
  ): Promise<{ reconnect: boolean; outcome: SseOutcome; events: number }> {
    const id = newConnectionId();
    currentId = id;
    const headers: HeaderList = [...(options.headers ?? [])];
    if (!headers.some(([n]) => n.toLowerCase() === 'accept'))
      headers.push(['Accept', 'text/event-stream']);
    if (!headers.some(([n]) => n.toLowerCase() === 'cache-control'))
      headers.push(['Cache-Control', 'no-cache']);
    if (lastEventId !== '') {
      // Header values travel as bytes: a non-ASCII id goes out as its UTF-8 bytes.
      headers.push(['Last-Event-ID', Buffer.from(lastEventId, 'utf8').toString('latin1')]);
    }
    const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
    store.addConnection({
      id,
      kind: 'sse',
      source: options.source ?? 'client',
      url: options.url,
      method,
      requestHeaders: headers,
      state: 'connecting',
      openedAt: now(),
      bytesOut: 0,
      bytesIn: 0,
      ...(resumes ? { resumes } : {}),
      ...recordedBody(options.body),
    });
    let bytesIn = 0;
    let events = 0;
    try {
      const response = await request(options.url, {
        method,
        headers: headers.flat(),
        body:
          options.body === undefined
            ? null
            : typeof options.body === 'string'
              ? options.body
              : Buffer.from(options.body),
        dispatcher,
        signal: controller.signal,
      });
      const responseHeaders = headerListFromUndici(response.headers);
      const contentType = headerOf(responseHeaders, 'content-type') ?? '';
      const encoding = headerOf(responseHeaders, 'content-encoding') ?? '';
      const statusText = response.statusText;
      store.updateConnection(id, {
        response: { status: response.statusCode, statusText, headers: responseHeaders },
        bytesOut: options.body === undefined ? 0 : Buffer.byteLength(options.body),
      });

      let body: AsyncIterable<Buffer> | null = null;
      let problem = responseProblem(response.statusCode, contentType);
      try {
        body = decodeBody(response.body, encoding, (count) => {
          bytesIn += count;
        });
      } catch (error) {
        problem ??= { message: (error as Error).message, stop: false };
      }
      if (problem || !body) {
        problem ??= { message: 'no response body', stop: false };
        const recorded = body ? await readBoundedBody(body) : {};
        response.body.destroy();
        store.updateConnection(id, {
          response: {
            status: response.statusCode,
            statusText,
            headers: responseHeaders,
            ...recorded,
          },
          state: problem.stop ? 'closed' : 'failed',
          error: problem.stop ? undefined : problem.message,
          closedAt: now(),
        });
        lifecycle(id, problem.stop ? 'closed' : 'failed', problem.message);
        return {
          reconnect: false,
          outcome: problem.stop
            ? { kind: 'ended', reason: problem.message }
            : { kind: 'failed', error: problem.message },
          events,
        };
      }

      store.updateConnection(id, { state: 'open' });
      lifecycle(id, 'open', `${response.statusCode} ${statusText || 'OK'} (${contentType})`.trim());
      opened.resolve();

      // The last event ID outlives the connection: EventSource keeps it across reconnections.
      const decoder = new SseDecoder({
        lastEventId,
        onOutput(out) {
          if (out.kind === 'retry') {
            retryMs = out.retry;
            return;
          }
          const entry = sseOutputToEntry(out, { connectionId: id, time: now() });
          if (!entry) return;
          if (entry.kind === 'event') events += 1;
          store.append(entry);
        },
      });
      const bytesOut = options.body === undefined ? 0 : Buffer.byteLength(options.body);
      const stopReporting = reportByteCounts(store, id, () => ({ bytesIn, bytesOut }));
      try {
        for await (const chunk of body) {
          decoder.feed(chunk);
          lastEventId = decoder.lastEventId;
        }
      } finally {
        stopReporting();
        decoder.end();
        lastEventId = decoder.lastEventId;
      }
      store.updateConnection(id, { state: 'closed', closedAt: now(), bytesIn });
      lifecycle(id, 'closed', 'the server ended the stream');
      return {
        reconnect: true,
        outcome: { kind: 'ended', reason: 'the server ended the stream' },
        events,
      };
    } catch (error) {
      if (stopped) {
        store.updateConnection(id, { state: 'closed', closedAt: now(), bytesIn });
        lifecycle(id, 'closed', 'closed by the client');
        return { reconnect: false, outcome: { kind: 'stopped' }, events };
      }
      const message = describeNetworkError(error, options.url);
      store.updateConnection(id, { state: 'aborted', error: message, closedAt: now(), bytesIn });
      lifecycle(id, 'aborted', message);
      return { reconnect: true, outcome: { kind: 'failed', error: message }, events };
    }
  }

  async function run(): Promise<SseOutcome> {
    let resumes: string | undefined;
    let fruitless = 0;
    for (;;) {
      const result = await attempt(resumes);
      if (!result.reconnect || options.reconnect === false) {
        opened.reject(
          new Error(result.outcome.kind === 'failed' ? result.outcome.error : 'stream ended'),
        );
      }
      if (stopped || !result.reconnect || options.reconnect === false) return result.outcome;
      fruitless = result.events > 0 ? 0 : fruitless + 1;
      if (options.maxReconnects !== undefined && fruitless > options.maxReconnects)
        return result.outcome;
      resumes = currentId;
      const idNote = lastEventId === '' ? 'no Last-Event-ID' : `Last-Event-ID: ${lastEventId}`;
      lifecycle(currentId, 'reconnecting', `reconnecting in ${retryMs} ms (${idNote})`);
      const waited = await sleep(retryMs, controller.signal);
      if (!waited) return { kind: 'stopped' };
    }
  }

  const done = run().finally(() => dispatcher.close());

  return {
    get connectionId() {
      return currentId;
    },
    opened: opened.promise,
    done,
    async close() {
      stopped = true;
      controller.abort();
      return done;
    },
  };
}

/** EventSource's rules: 200 + text/event-stream streams; 204 stops quietly; anything else fails. */
function responseProblem(
  status: number,
  contentType: string,
): { message: string; stop: boolean } | null {
  if (status === 204)
    return {
      message: 'HTTP 204 No Content: the server asked the client to stop reconnecting',
      stop: true,
    };
  if (status < 200 || status > 299)
    return {
      message: `HTTP ${status}: expected 200 with Content-Type text/event-stream`,
      stop: false,
    };
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence !== 'text/event-stream') {
    return {
      message: `wrong Content-Type ${contentType ? `"${contentType}"` : '(none)'}: expected text/event-stream`,
      stop: false,
    };
  }
  return null;
}

function recordedBody(
  body: string | Uint8Array | undefined,
): Pick<Connection, 'requestBody' | 'requestBodyBase64'> {
  if (body === undefined) return {};
  if (typeof body === 'string') return { requestBody: body };
  const bytes = Buffer.from(body);
  return isUtf8(bytes)
    ? { requestBody: bytes.toString('utf8') }
    : { requestBodyBase64: bytes.toString('base64') };
}

function headerListFromUndici(headers: Record<string, string | string[] | undefined>): HeaderList {
  const list: HeaderList = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) list.push([name, v]);
  }
  return list;
}

function headerOf(headers: HeaderList, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
