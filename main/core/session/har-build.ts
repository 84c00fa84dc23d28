/**
 * One Telltale connection → one HAR entry, built in parts so that a writer can stream the long
 * arrays (`_webSocketMessages`, `_eventSourceMessages`, `_eventSourceComments`,
 * `_telltaleEntries`) item by item, and an in-memory export builds the very same object.
 * docs/har-format.md describes every field.
 */
import type { Cookie, Header, PostData, QueryString, Request, Response } from 'har-format';
import type { Connection, ConnectionKind, HeaderList } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type {
  ChromeWsMessage,
  HarEventSourceComment,
  HarEventSourceMessage,
  HarTelltaleConnection,
  HarTelltaleEntry,
  HarWebSocketClose,
  TelltaleHarEntry,
} from './har-types.ts';
import { bytesToBase64 } from './ndjson.ts';
import {
  decodeQueryComponent,
  redactConnection,
  redactsHeader,
  redactUrl,
  type RedactionPolicy,
} from './redaction.ts';
import type { SelectedConnection } from './selection.ts';

/**
 * Where an entry's payload goes in the HAR: one of the shared arrays, a plain exchange's request
 * `postData` or response `content` (item 0 only), or inline.
 */
export type HarCollection = 'ws' | 'event' | 'comment' | 'request-body' | 'response-body';

/** Collections with room for one item (the HAR request and response have one body each). */
export function isBodyCollection(
  collection: HarCollection,
): collection is 'request-body' | 'response-body' {
  return collection === 'request-body' || collection === 'response-body';
}

/**
 * WebSocket text, binary and error entries go to `_webSocketMessages`; SSE events and comments
 * to their arrays; a plain HTTP exchange's bodies to `postData` and `content`; anything else
 * (control frames, lifecycle notes) only to `_telltaleEntries`.
 */
export function collectionOf(kind: ConnectionKind, entry: Entry): HarCollection | undefined {
  const text = typeof entry.payload === 'string';
  if (kind === 'http' && (entry.kind === 'text' || entry.kind === 'binary')) {
    if (text !== (entry.kind === 'text')) return undefined;
    return entry.direction === 'out' ? 'request-body' : 'response-body';
  }
  if (kind === 'ws') {
    if (entry.kind === 'binary') return text ? undefined : 'ws';
    return (entry.kind === 'text' || entry.kind === 'error') && text ? 'ws' : undefined;
  }
  if (kind === 'sse' && text) {
    if (entry.kind === 'event') return 'event';
    if (entry.kind === 'comment') return 'comment';
  }
  return undefined;
}

export function wsMessageOf(entry: Entry): ChromeWsMessage {
  const { payload } = entry;
  const data = typeof payload === 'string' ? payload : bytesToBase64(payload);
  if (entry.kind === 'error') return { type: 'error', time: entry.time / 1000, opcode: -1, data };
  return {
    type: entry.direction === 'out' ? 'send' : 'receive',
    time: entry.time / 1000,
    opcode: entry.kind === 'text' ? 1 : 2,
    data,
  };
}

export function eventSourceMessageOf(entry: Entry): HarEventSourceMessage {
  return {
    time: entry.time / 1000,
    eventName: entry.sse?.event ?? 'message',
    eventId: entry.sse?.lastEventId ?? '',
    data: typeof entry.payload === 'string' ? entry.payload : bytesToBase64(entry.payload),
  };
}

export function eventSourceCommentOf(entry: Entry): HarEventSourceComment {
  return {
    time: entry.time / 1000,
    data: typeof entry.payload === 'string' ? entry.payload : bytesToBase64(entry.payload),
  };
}

/** `message` is the entry's index in its collection, or undefined when the payload is inline. */
export function telltaleEntryOf(entry: Entry, message: number | undefined): HarTelltaleEntry {
  const out: HarTelltaleEntry = {
    seq: entry.seq,
    time: entry.time,
    direction: entry.direction,
    kind: entry.kind,
    payloadSize: entry.payloadSize,
    wireSize: entry.wireSize,
  };
  if (message !== undefined) out.message = message;
  else if (typeof entry.payload === 'string') out.payload = entry.payload;
  else {
    out.payload = bytesToBase64(entry.payload);
    out.payloadEncoding = 'base64';
  }
  if (entry.frame !== undefined) out.frame = entry.frame;
  if (entry.close !== undefined) out.close = entry.close;
  if (entry.sse !== undefined) out.sse = entry.sse;
  if (entry.lifecycle !== undefined) out.lifecycle = entry.lifecycle;
  if (entry.notes !== undefined) out.notes = entry.notes;
  if (entry.intervention !== undefined) out.intervention = entry.intervention;
  return out;
}

// ── the streamed arrays ──────────────────────────────────────────────────────

export type HarArrayName =
  '_webSocketMessages' | '_eventSourceMessages' | '_eventSourceComments' | '_telltaleEntries';

export interface HarArray {
  name: HarArrayName;
  items(): Iterable<object>;
}

/** The arrays of one connection's HAR entry, in the order they are written. */
export function harArraysOf(selected: SelectedConnection): HarArray[] {
  const { connection } = selected;
  const kind = connection.kind;
  const arrays: HarArray[] = [];
  if (kind === 'ws') {
    arrays.push({
      name: '_webSocketMessages',
      items: () => mapCollection(selected, 'ws', wsMessageOf),
    });
  } else if (kind === 'sse') {
    arrays.push(
      {
        name: '_eventSourceMessages',
        items: () => mapCollection(selected, 'event', eventSourceMessageOf),
      },
      {
        name: '_eventSourceComments',
        items: () => mapCollection(selected, 'comment', eventSourceCommentOf),
      },
    );
  }
  arrays.push({ name: '_telltaleEntries', items: () => telltaleEntries(selected) });
  return arrays;
}

function* mapCollection<T>(
  selected: SelectedConnection,
  collection: HarCollection,
  map: (entry: Entry) => T,
): Generator<T, void, undefined> {
  const kind = selected.connection.kind;
  for (const entry of selected.entries()) {
    if (collectionOf(kind, entry) === collection) yield map(entry);
  }
}

function* telltaleEntries(
  selected: SelectedConnection,
): Generator<HarTelltaleEntry, void, undefined> {
  const kind = selected.connection.kind;
  const counts: Record<HarCollection, number> = {
    ws: 0,
    event: 0,
    comment: 0,
    'request-body': 0,
    'response-body': 0,
  };
  const slots = bodySlotsOf(selected.connection);
  for (const entry of selected.entries()) {
    let collection = collectionOf(kind, entry);
    if (collection !== undefined && isBodyCollection(collection)) {
      // A body with no free HAR field (a second one, or the connection keeps its own) is inline.
      if (!slots[collection] || counts[collection] > 0) collection = undefined;
    }
    let index: number | undefined;
    if (collection !== undefined) {
      index = counts[collection];
      counts[collection] = index + 1;
    }
    yield telltaleEntryOf(entry, index);
  }
}

/** Fields written after the arrays: they need a pass over the entries. */
export function harTailOf(selected: SelectedConnection): Pick<TelltaleHarEntry, '_retry'> {
  if (selected.connection.kind !== 'sse') return {};
  let retry: number | undefined;
  for (const entry of selected.entries()) {
    if (entry.sse?.retry !== undefined) retry = entry.sse.retry;
  }
  return retry === undefined ? {} : { _retry: retry };
}

// ── the head: everything but the arrays ──────────────────────────────────────

/** A plain exchange's body entries (the first each way), which become postData and content. */
export interface ExchangeBodies {
  request?: Entry;
  response?: Entry;
}

export function exchangeBodiesOf(selected: SelectedConnection): ExchangeBodies {
  const bodies: ExchangeBodies = {};
  if (selected.connection.kind !== 'http') return bodies;
  const slots = bodySlotsOf(selected.connection);
  for (const entry of selected.entries()) {
    const collection = collectionOf('http', entry);
    if (collection === 'request-body' && slots[collection]) bodies.request ??= entry;
    else if (collection === 'response-body' && slots[collection]) bodies.response ??= entry;
  }
  return bodies;
}

/**
 * Which HAR body fields an entry may fill: those the connection does not fill itself (a body
 * kept on the connection, as a refused handshake's, keeps its place).
 */
export function bodySlotsOf(
  connection: Connection,
): Record<'request-body' | 'response-body', boolean> {
  const r = connection.response;
  return {
    'request-body':
      connection.requestBody === undefined && connection.requestBodyBase64 === undefined,
    'response-body': r !== undefined && r.body === undefined && r.bodyBase64 === undefined,
  };
}

/** The HAR entry without its arrays and tail, redacted by `policy`. */
export function harHeadOf(
  selected: SelectedConnection,
  policy: RedactionPolicy | undefined,
): TelltaleHarEntry {
  const original = selected.connection;
  const bodies = exchangeBodiesOf(selected);
  const connection = redactConnection(original, policy);
  const duration =
    connection.closedAt === undefined ? 0 : Math.max(0, connection.closedAt - connection.openedAt);
  const head: TelltaleHarEntry = {
    startedDateTime: isoTime(connection.openedAt),
    time: duration,
    request: requestOf(connection, original, policy, bodies.request),
    response: responseOf(connection, original, policy, bodies.response),
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: duration, receive: 0 },
  };
  if (connection.kind === 'ws') head._resourceType = 'websocket';
  else if (connection.kind === 'sse') head._resourceType = 'eventsource';
  const close = webSocketCloseOf(connection);
  if (close !== undefined) head._webSocketClose = close;
  head._telltaleConnection = telltaleConnectionOf(connection);
  return head;
}

function requestOf(
  connection: Connection,
  original: Connection,
  policy: RedactionPolicy | undefined,
  bodyEntry: Entry | undefined,
): Request {
  const request: Request = {
    method: connection.method,
    url: connection.url,
    httpVersion: 'HTTP/1.1',
    headers: harHeaders(connection.requestHeaders),
    queryString: queryStringOf(original.url, policy),
    cookies: requestCookies(original.requestHeaders, policy),
    headersSize: -1,
    bodySize: 0,
  };
  const body = postDataOf(connection, bodyEntry);
  if (body !== undefined) {
    request.postData = body.postData;
    request.bodySize = body.size;
  }
  return request;
}

/** `_encoding: "base64"` marks a body that is not UTF-8 (HAR's postData has no such field). */
type HarPostData = PostData & { _encoding?: 'base64' };

function postDataOf(
  connection: Connection,
  bodyEntry: Entry | undefined,
): { postData: HarPostData; size: number } | undefined {
  const mimeType = headerValue(connection.requestHeaders, 'content-type') ?? '';
  if (bodyEntry !== undefined) {
    const { payload } = bodyEntry;
    return typeof payload === 'string'
      ? { postData: { mimeType, text: payload }, size: bodyEntry.wireSize }
      : {
          postData: { mimeType, text: bytesToBase64(payload), _encoding: 'base64' },
          size: bodyEntry.wireSize,
        };
  }
  if (connection.requestBody !== undefined) {
    const text = connection.requestBody;
    return { postData: { mimeType, text }, size: Buffer.byteLength(text, 'utf8') };
  }
  if (connection.requestBodyBase64 !== undefined) {
    const text = connection.requestBodyBase64;
    return {
      postData: { mimeType, text, _encoding: 'base64' },
      size: Buffer.byteLength(text, 'base64'),
    };
  }
  return undefined;
}

function responseOf(
  connection: Connection,
  original: Connection,
  policy: RedactionPolicy | undefined,
  bodyEntry: Entry | undefined,
): Response {
  const r = connection.response;
  const headers = r?.headers ?? [];
  const content: Response['content'] = {
    size: 0,
    mimeType: headerValue(headers, 'content-type') ?? '',
  };
  if (bodyEntry !== undefined) {
    const { payload } = bodyEntry;
    content.size = bodyEntry.payloadSize;
    if (typeof payload === 'string') content.text = payload;
    else {
      content.text = bytesToBase64(payload);
      content.encoding = 'base64';
    }
  } else if (r?.body !== undefined) {
    content.text = r.body;
    content.size = Buffer.byteLength(r.body, 'utf8');
  } else if (r?.bodyBase64 !== undefined) {
    content.text = r.bodyBase64;
    content.encoding = 'base64';
    content.size = Buffer.byteLength(r.bodyBase64, 'base64');
  }
  const response: Response & { _error?: string } = {
    status: r?.status ?? 0,
    statusText: r?.statusText ?? '',
    httpVersion: 'HTTP/1.1',
    headers: harHeaders(headers),
    cookies: responseCookies(original.response?.headers ?? [], policy),
    content,
    redirectURL: headerValue(headers, 'location') ?? '',
    headersSize: -1,
    bodySize: -1,
  };
  if (connection.error !== undefined) response._error = connection.error;
  return response;
}

function webSocketCloseOf(connection: Connection): HarWebSocketClose | undefined {
  if (connection.kind !== 'ws') return undefined;
  if (connection.closeCode !== undefined) {
    return {
      code: connection.closeCode,
      reason: connection.closeReason ?? '',
      timestamp: (connection.closedAt ?? connection.openedAt) / 1000,
    };
  }
  return connection.state === 'closed' || connection.state === 'aborted' ? 'aborted' : undefined;
}

function telltaleConnectionOf(c: Connection): HarTelltaleConnection {
  const out: HarTelltaleConnection = {
    id: c.id,
    kind: c.kind,
    source: c.source,
    state: c.state,
    openedAt: c.openedAt,
    bytesOut: c.bytesOut,
    bytesIn: c.bytesIn,
  };
  if (c.closedAt !== undefined) out.closedAt = c.closedAt;
  if (c.closeCode !== undefined) out.closeCode = c.closeCode;
  if (c.closeReason !== undefined) out.closeReason = c.closeReason;
  if (c.closeInitiator !== undefined) out.closeInitiator = c.closeInitiator;
  if (c.error !== undefined) out.error = c.error;
  if (c.resumes !== undefined) out.resumes = c.resumes;
  if (c.pingRttMs !== undefined) out.pingRttMs = c.pingRttMs;
  if (c.replayOf !== undefined) out.replayOf = c.replayOf;
  if (c.protocolChoice !== undefined) out.protocolChoice = c.protocolChoice;
  if (c.protocol !== undefined) out.protocol = c.protocol;
  if (c.extensions !== undefined) out.extensions = c.extensions;
  if (c.response === undefined) out.noResponse = true;
  else if (c.response.bodyTruncated !== undefined) {
    out.responseBodyTruncated = c.response.bodyTruncated;
  }
  return out;
}

// ── headers, query, cookies ──────────────────────────────────────────────────

function harHeaders(headers: HeaderList): Header[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [n, v] of headers) if (n.toLowerCase() === name) return v;
  return undefined;
}

function queryStringOf(url: string, policy: RedactionPolicy | undefined): QueryString[] {
  const q = url.indexOf('?');
  if (q === -1) return [];
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? url.length : hash);
  if (query === '') return [];
  return redactUrl(`?${query}`, policy)
    .slice(1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = decodeQueryComponent(eq === -1 ? part : part.slice(0, eq));
      const value = eq === -1 ? '' : decodeQueryComponent(part.slice(eq + 1));
      return { name, value };
    });
}

function requestCookies(headers: HeaderList, policy: RedactionPolicy | undefined): Cookie[] {
  const cookies: Cookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'cookie') continue;
    const hide = redactsHeader(policy, name);
    for (const pair of value.split(';')) {
      const trimmed = pair.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      cookies.push({
        name: eq === -1 ? '' : trimmed.slice(0, eq),
        value: hide && policy !== undefined ? policy.marker : trimmed.slice(eq + 1),
      });
    }
  }
  return cookies;
}

function responseCookies(headers: HeaderList, policy: RedactionPolicy | undefined): Cookie[] {
  const cookies: Cookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    const hide = redactsHeader(policy, name) && policy !== undefined;
    const [pair = '', ...attributes] = value.split(';');
    const eq = pair.indexOf('=');
    const cookie: Cookie = {
      name: eq === -1 ? '' : pair.slice(0, eq).trim(),
      value: hide ? policy.marker : pair.slice(eq + 1).trim(),
    };
    for (const attribute of attributes) {
      const aeq = attribute.indexOf('=');
      const key = (aeq === -1 ? attribute : attribute.slice(0, aeq)).trim().toLowerCase();
      const v = aeq === -1 ? '' : attribute.slice(aeq + 1).trim();
      if (key === 'path') cookie.path = v;
      else if (key === 'domain') cookie.domain = v;
      else if (key === 'expires') cookie.expires = v;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    cookies.push(cookie);
  }
  return cookies;
}

function isoTime(epochMs: number): string {
  // Date covers ±8.64e15 ms; a damaged time must not make the export throw.
  return new Date(Math.abs(epochMs) <= 8.64e15 ? epochMs : 0).toISOString();
}
