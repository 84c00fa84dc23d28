/**
 * HAR import into a new SessionStore (nothing already open is touched). Two paths per HAR entry:
 * - written by Telltale (`_telltaleConnection` + `_telltaleEntries`): restored exactly, ids and
 *   seqs kept (docs/har-format.md says what survives the trip);
 * - written by another tool: WebSocket messages from Chrome's `_webSocketMessages`, the close
 *   from HTTP Toolkit's `_webSocketClose`, SSE from `_eventSourceMessages` or else by decoding a
 *   `text/event-stream` body; sizes are estimates, seqs follow time.
 * Errors name the file and the field path (`log.entries[3].request.url`) or the JSON line.
 */
import { createReadStream } from 'node:fs';
import type { Connection, HeaderList, HttpResponseInfo } from '../../../shared/model/connection.ts';
import type { Direction, Entry, EntryKind, Payload } from '../../../shared/model/entry.ts';
import { isValidCloseCodeOnWire } from '../../../shared/model/ws-tables.ts';
import { SseDecoder, sseOutputToEntry } from '../protocol/sse/index.ts';
import { newConnectionId } from '../util/ids.ts';
import { collectionOf } from './har-build.ts';
import {
  harEntrySchema,
  harOuterSchema,
  type HarEntryInput,
  type HarTelltaleEntryInput,
} from './har-schema.ts';
import { HarStreamScanner, JsonStreamError } from './har-stream.ts';
import { base64ToBytes } from './ndjson.ts';
import { SessionFileError, type SessionNote } from './ndjson-reader.ts';
import { SessionStore, type SessionStoreOptions } from './store.ts';
import { describeIssues } from './zod-issues.ts';

export interface HarImportOptions {
  /** Mark every connection `source: "import"` (default true); false keeps a Telltale HAR's own. */
  markImported?: boolean;
  /** Ids for connections of HARs not written by Telltale (default: newConnectionId). */
  newId?: () => string;
  store?: SessionStoreOptions;
}

export interface HarImportResult {
  store: SessionStore;
  notes: SessionNote[];
  /** `log._telltale.created` of a Telltale HAR. */
  created: number | undefined;
}

/** Streams the file: memory is bounded by the store and the largest single HAR entry. */
export async function readHarSession(
  path: string,
  options: HarImportOptions = {},
): Promise<HarImportResult> {
  const reader = new HarReader(path, options);
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of input) reader.feed(chunk as Buffer);
  } catch (error) {
    if (error instanceof SessionFileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SessionFileError(path, 0, 'unreadable', `cannot read: ${reason}`, { cause: error });
  } finally {
    input.destroy();
  }
  return reader.finish();
}

/** `name` (a path) is used in messages only. Throws SessionFileError. */
export function importHarText(
  text: string,
  name: string,
  options: HarImportOptions = {},
): HarImportResult {
  const reader = new HarReader(name, options);
  reader.feed(Buffer.from(text, 'utf8'));
  return reader.finish();
}

/**
 * Feeds a HAR's bytes through the streaming scanner into the Importer, entry by entry. A
 * problem with a HAR entry is kept until the end, because a JSON error anywhere in the file
 * (found later) is the one to report, as a whole-file parse would.
 */
class HarReader {
  readonly #name: string;
  readonly #importer: Importer;
  readonly #scanner: HarStreamScanner;
  #deferred: SessionFileError | undefined;

  constructor(name: string, options: HarImportOptions) {
    this.#name = name;
    this.#importer = new Importer(name, options);
    this.#scanner = new HarStreamScanner((raw, i) => {
      this.#entry(raw, i);
    });
  }

  feed(chunk: Buffer): void {
    try {
      this.#scanner.feed(chunk);
    } catch (error) {
      throw this.#jsonError(error);
    }
  }

  finish(): HarImportResult {
    try {
      this.#scanner.end();
    } catch (error) {
      throw this.#jsonError(error);
    }
    const scanner = this.#scanner;
    const outerValue = scanner.rootIsObject
      ? {
          log: scanner.sawLogObject
            ? { ...scanner.logFields, ...(scanner.sawEntriesArray ? { entries: [] } : {}) }
            : scanner.logValue,
        }
      : scanner.rootValue;
    const outer = harOuterSchema.safeParse(outerValue);
    if (!outer.success) {
      throw new SessionFileError(
        this.#name,
        0,
        'not-a-har',
        `not a HAR file (expected {"log":{"entries":[…]}}): ${describeIssues(outer.error)}`,
      );
    }
    if (this.#deferred !== undefined) throw this.#deferred;
    return { ...this.#importer.finish(), created: outer.data.log._telltale?.created };
  }

  #entry(raw: unknown, i: number): void {
    if (this.#deferred !== undefined) return;
    const parsed = harEntrySchema.safeParse(raw);
    if (!parsed.success) {
      this.#deferred = new SessionFileError(
        this.#name,
        0,
        'invalid-har',
        describeIssues(parsed.error, `log.entries[${i}]`),
      );
      return;
    }
    try {
      this.#importer.add(parsed.data, `log.entries[${i}]`);
    } catch (error) {
      if (!(error instanceof SessionFileError)) throw error;
      this.#deferred = error;
    }
  }

  #jsonError(error: unknown): unknown {
    if (!(error instanceof JsonStreamError)) return error;
    return new SessionFileError(this.#name, error.line, 'invalid-json', error.message);
  }
}

interface PendingEntry {
  entry: Entry;
  where: string;
}

class Importer {
  readonly #name: string;
  readonly #markImported: boolean;
  readonly #newId: () => string;
  readonly #storeOptions: SessionStoreOptions | undefined;
  readonly #connections: Connection[] = [];
  readonly #entries: PendingEntry[] = [];
  readonly #notes: SessionNote[] = [];
  readonly #noted = new Set<string>();
  #foreign = false;

  constructor(name: string, options: HarImportOptions) {
    this.#name = name;
    this.#markImported = options.markImported ?? true;
    this.#newId = options.newId ?? newConnectionId;
    this.#storeOptions = options.store;
  }

  add(har: HarEntryInput, where: string): void {
    if (har._telltaleConnection !== undefined && har._telltaleEntries !== undefined) {
      this.#addOwn(har, where);
    } else {
      this.#foreign = true;
      this.#addForeign(har, where);
    }
  }

  finish(): { store: SessionStore; notes: SessionNote[] } {
    const store = new SessionStore(this.#storeOptions);
    for (const connection of this.#connections) {
      if (store.getConnection(connection.id) !== undefined) {
        throw this.#error(
          'invalid-har',
          `two HAR entries have the connection id "${connection.id}"`,
        );
      }
      store.addConnection(connection);
    }
    const pending = this.#entries;
    if (this.#foreign) {
      // Seqs come from time order; a Telltale HAR edited by another tool is renumbered too.
      this.#note(
        'har-foreign',
        'not all entries were written by Telltale: sizes are estimates and seqs follow time',
      );
      pending.sort((a, b) => a.entry.time - b.entry.time);
      pending.forEach((p, i) => (p.entry.seq = i + 1));
    } else {
      pending.sort((a, b) => a.entry.seq - b.entry.seq);
    }
    for (const { entry, where } of pending) {
      if (entry.seq <= store.lastSeq) {
        throw this.#error(
          'seq-not-increasing',
          `${where}.seq: ${entry.seq} is used twice (seqs must be unique)`,
        );
      }
      store.appendWithSeq(entry);
    }
    return { store, notes: this.#notes };
  }

  // ── Telltale's own HAR ─────────────────────────────────────────────────────

  #addOwn(har: HarEntryInput, where: string): void {
    const tc = har._telltaleConnection;
    const details = har._telltaleEntries;
    if (tc === undefined || details === undefined) return;
    const connection: Connection = {
      id: tc.id,
      kind: tc.kind,
      source: this.#markImported ? 'import' : tc.source,
      url: har.request.url,
      method: har.request.method,
      requestHeaders: headerList(har.request.headers),
      state: tc.state,
      openedAt: tc.openedAt,
      bytesOut: tc.bytesOut,
      bytesIn: tc.bytesIn,
    };
    const post = har.request.postData;
    if (typeof post?.text === 'string') {
      if (post._encoding === 'base64') connection.requestBodyBase64 = post.text;
      else connection.requestBody = post.text;
    }
    if (tc.noResponse !== true) {
      const response = responseInfo(har, true);
      if (tc.responseBodyTruncated !== undefined) {
        response.bodyTruncated = tc.responseBodyTruncated;
      }
      connection.response = response;
    }
    copyDefined(connection, tc, [
      'protocol',
      'extensions',
      'closedAt',
      'closeCode',
      'closeReason',
      'closeInitiator',
      'error',
      'resumes',
      'pingRttMs',
      'replayOf',
      'protocolChoice',
    ]);
    this.#connections.push(connection);
    details.forEach((d, k) => {
      const at = `${where}._telltaleEntries[${k}]`;
      this.#entries.push({ entry: this.#ownEntry(har, connection, d, at), where: at });
    });
  }

  #ownEntry(
    har: HarEntryInput,
    connection: Connection,
    d: HarTelltaleEntryInput,
    at: string,
  ): Entry {
    let payload: Payload;
    if (d.message !== undefined) {
      const probe = {
        kind: d.kind,
        direction: d.direction,
        payload: d.kind === 'binary' ? new Uint8Array(0) : '',
      };
      const collection = collectionOf(connection.kind, probe as Entry);
      if (collection === 'request-body' || collection === 'response-body') {
        payload = this.#bodyPayload(har, connection, d, collection, at);
        return this.#withPayload(connection, d, payload);
      }
      const [arrayName, items] =
        collection === 'ws'
          ? ['_webSocketMessages', har._webSocketMessages]
          : collection === 'event'
            ? ['_eventSourceMessages', har._eventSourceMessages]
            : collection === 'comment'
              ? ['_eventSourceComments', har._eventSourceComments]
              : ['', undefined];
      if (arrayName === '') {
        throw this.#error(
          'invalid-har',
          `${at}.message: a "${d.kind}" entry of a ${connection.kind} connection has no message array`,
        );
      }
      const item = items?.[d.message];
      if (item === undefined) {
        throw this.#error('invalid-har', `${at}.message: ${arrayName} has no item ${d.message}`);
      }
      payload =
        d.kind === 'binary'
          ? this.#strictBase64(item.data, `${arrayName}[${d.message}].data`)
          : item.data;
    } else if (d.payload !== undefined) {
      payload =
        d.payloadEncoding === 'base64' ? this.#strictBase64(d.payload, `${at}.payload`) : d.payload;
    } else {
      throw this.#error('invalid-har', `${at}: neither "message" nor "payload" is given`);
    }
    return this.#withPayload(connection, d, payload);
  }

  #withPayload(connection: Connection, d: HarTelltaleEntryInput, payload: Payload): Entry {
    return {
      seq: d.seq,
      connectionId: connection.id,
      time: d.time,
      direction: d.direction,
      kind: d.kind,
      payload,
      payloadSize: d.payloadSize,
      wireSize: d.wireSize,
      frame: d.frame,
      close: d.close,
      sse: d.sse,
      lifecycle: d.lifecycle,
      notes: d.notes,
      intervention: d.intervention,
    };
  }

  /** An exchange body kept in `postData` / `content` (item 0: there is one each way). */
  #bodyPayload(
    har: HarEntryInput,
    connection: Connection,
    d: HarTelltaleEntryInput,
    collection: 'request-body' | 'response-body',
    at: string,
  ): Payload {
    const [field, text, base64] =
      collection === 'request-body'
        ? [
            'request.postData',
            har.request.postData?.text,
            har.request.postData?._encoding === 'base64',
          ]
        : [
            'response.content',
            har.response.content?.text,
            har.response.content?.encoding === 'base64',
          ];
    if (d.message !== 0 || typeof text !== 'string') {
      throw this.#error('invalid-har', `${at}.message: ${field} has no body ${d.message ?? ''}`);
    }
    if (base64 !== (d.kind === 'binary')) {
      throw this.#error(
        'invalid-har',
        `${at}: a "${d.kind}" body must be ${d.kind === 'binary' ? '' : 'not '}base64 in ${field}`,
      );
    }
    // The body lives on as this entry, not twice.
    if (collection === 'request-body') {
      delete connection.requestBody;
      delete connection.requestBodyBase64;
    } else if (connection.response !== undefined) {
      delete connection.response.body;
      delete connection.response.bodyBase64;
    }
    return base64 ? this.#strictBase64(text, `${field}.text`) : text;
  }

  #strictBase64(text: string, at: string): Uint8Array {
    const bytes = base64ToBytes(text);
    if (bytes === undefined) throw this.#error('invalid-base64', `${at}: not valid base64`);
    return bytes;
  }

  // ── HARs of other tools ────────────────────────────────────────────────────

  #addForeign(har: HarEntryInput, where: string): void {
    const openedAt = Date.parse(har.startedDateTime);
    if (Number.isNaN(openedAt)) {
      throw this.#error(
        'invalid-har',
        `${where}.startedDateTime: "${har.startedDateTime}" is not a date`,
      );
    }
    const kind = foreignKind(har);
    const id = this.#newId();
    const hasResponse = har.response.status > 0;
    const connection: Connection = {
      id,
      kind,
      source: 'import',
      url: har.request.url,
      method: har.request.method,
      requestHeaders: headerList(har.request.headers),
      state: hasResponse ? 'closed' : 'failed',
      openedAt,
      bytesOut: 0,
      bytesIn: 0,
    };
    const post = har.request.postData;
    if (typeof post?.text === 'string') {
      if (post._encoding === 'base64') connection.requestBodyBase64 = post.text;
      else connection.requestBody = post.text;
    }
    if (hasResponse) connection.response = responseInfo(har, false);
    if (typeof har.response._error === 'string' && har.response._error !== '') {
      connection.error = har.response._error;
    }
    const duration = har.time ?? -1;
    if (kind !== 'ws' && duration >= 0) connection.closedAt = openedAt + duration;

    const entries: Entry[] = [];
    if (kind === 'ws') this.#foreignWs(har, connection, entries, where);
    else if (kind === 'sse') this.#foreignSse(har, connection, entries);
    else this.#foreignBodies(connection, entries);
    for (const entry of entries) {
      if (entry.direction === 'out') connection.bytesOut += entry.wireSize;
      else connection.bytesIn += entry.wireSize;
      this.#entries.push({ entry, where });
    }
    this.#connections.push(connection);
  }

  #foreignWs(har: HarEntryInput, connection: Connection, entries: Entry[], where: string): void {
    for (const [k, m] of (har._webSocketMessages ?? []).entries()) {
      const direction: Direction = m.type === 'send' ? 'out' : 'in';
      const time = epochMs(m.time);
      if (m.type === 'error' || m.opcode === -1) {
        entries.push(foreignEntry(connection.id, time, 'in', 'error', m.data, 0));
        continue;
      }
      if (m.type !== 'send' && m.type !== 'receive') {
        this.#note(
          'har-skipped-message',
          `${where}._webSocketMessages[${k}]: skipped a message of type "${m.type}"`,
        );
        continue;
      }
      const kind = WS_KINDS[m.opcode];
      if (kind === undefined) {
        this.#note(
          'har-skipped-message',
          `${where}._webSocketMessages[${k}]: skipped a message with opcode ${m.opcode}`,
        );
        continue;
      }
      let payload: Payload = m.data;
      if (kind !== 'text') {
        const bytes = base64ToBytes(m.data);
        if (bytes === undefined) {
          this.#note(
            'har-invalid-base64',
            `${where}._webSocketMessages[${k}].data: not valid base64; kept as the bytes of the text`,
          );
        }
        payload = bytes ?? new TextEncoder().encode(m.data);
      }
      const size = payloadSize(payload);
      const entry = foreignEntry(
        connection.id,
        time,
        direction,
        kind,
        payload,
        wsFrameSize(size, direction === 'out'),
      );
      if (kind === 'close' && payload instanceof Uint8Array && payload.length >= 2) {
        const code = (payload[0] ?? 0) * 256 + (payload[1] ?? 0);
        const reason = new TextDecoder().decode(payload.subarray(2));
        entry.close = { code, reason, codeValid: isValidCloseCodeOnWire(code) };
      }
      entries.push(entry);
    }
    const close = har._webSocketClose;
    if (close === 'aborted') connection.state = 'aborted';
    else if (close != null) {
      connection.closeCode = close.code;
      connection.closeReason = close.reason ?? '';
      if (close.timestamp != null) connection.closedAt = epochMs(close.timestamp);
    }
  }

  /**
   * A plain exchange's bodies become its entries (the request's at the start, the response's
   * at the end), so polling transports and JSON-RPC over HTTP are dissected like the rest.
   */
  #foreignBodies(connection: Connection, entries: Entry[]): void {
    const request = bodyBytesOrText(
      connection.requestBody,
      connection.requestBodyBase64 === undefined
        ? undefined
        : { base64: connection.requestBodyBase64 },
    );
    if (request !== undefined) {
      entries.push(bodyAsEntry(connection.id, connection.openedAt, 'out', request));
      delete connection.requestBody;
      delete connection.requestBodyBase64;
    }
    const r = connection.response;
    const response = bodyBytesOrText(
      r?.body,
      r?.bodyBase64 === undefined ? undefined : { base64: r.bodyBase64 },
    );
    if (response !== undefined && r !== undefined) {
      const endedAt = connection.closedAt ?? connection.openedAt;
      entries.push(bodyAsEntry(connection.id, endedAt, 'in', response));
      delete r.body;
      delete r.bodyBase64;
    }
  }

  #foreignSse(har: HarEntryInput, connection: Connection, entries: Entry[]): void {
    const messages = har._eventSourceMessages;
    if (messages != null && messages.length > 0) {
      for (const m of messages) {
        const event = m.eventName ?? '';
        const data = m.data;
        const entry = foreignEntry(
          connection.id,
          epochMs(m.time),
          'in',
          'event',
          data,
          sseBlockSize(event, data),
        );
        entry.sse = { event: event === '' ? 'message' : event, lastEventId: m.eventId ?? '' };
        entries.push(entry);
      }
    }
    for (const c of har._eventSourceComments ?? []) {
      entries.push(
        foreignEntry(
          connection.id,
          epochMs(c.time),
          'in',
          'comment',
          c.data,
          payloadSize(c.data) + 2,
        ),
      );
    }
    if (entries.length > 0) {
      entries.sort((a, b) => a.time - b.time);
      return;
    }
    const content = har.response.content;
    if (typeof content?.text !== 'string' || content.text === '') return;
    const bytes =
      content.encoding === 'base64'
        ? (base64ToBytes(content.text) ?? new TextEncoder().encode(content.text))
        : new TextEncoder().encode(content.text);
    const decoder = new SseDecoder({
      onOutput: (out) => {
        const entry = sseOutputToEntry(out, {
          connectionId: connection.id,
          time: connection.openedAt,
        });
        if (entry !== undefined) entries.push({ seq: 0, ...entry });
      },
    });
    decoder.feed(bytes);
    decoder.end();
    // The body now lives on as entries; a Telltale connection keeps a body only when it failed.
    if (connection.response !== undefined) {
      delete connection.response.body;
      delete connection.response.bodyBase64;
    }
    this.#note(
      'har-sse-from-body',
      'SSE events decoded from a response body all carry the time the request started',
    );
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  #note(code: SessionNote['code'], message: string): void {
    // One note per code: a big HAR would otherwise repeat it a million times.
    if (this.#noted.has(code)) return;
    this.#noted.add(code);
    this.#notes.push({ line: 0, code, message });
  }

  #error(
    code: 'invalid-har' | 'invalid-base64' | 'seq-not-increasing',
    message: string,
  ): SessionFileError {
    return new SessionFileError(this.#name, 0, code, message);
  }
}

const WS_KINDS: Partial<Record<number, EntryKind>> = {
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

function foreignKind(har: HarEntryInput): Connection['kind'] {
  const type = har._resourceType?.toLowerCase();
  const scheme = har.request.url.slice(0, 6).toLowerCase();
  if (
    type === 'websocket' ||
    har._webSocketMessages != null ||
    har._webSocketClose != null ||
    scheme.startsWith('ws:') ||
    scheme.startsWith('wss:')
  ) {
    return 'ws';
  }
  if (har.response.status === 101) {
    const upgrade = har.response.headers.find((h) => h.name.toLowerCase() === 'upgrade');
    if (upgrade?.value.toLowerCase() === 'websocket') return 'ws';
  }
  if (type === 'eventsource' || har._eventSourceMessages != null) return 'sse';
  const mime = har.response.content?.mimeType ?? '';
  return mime.toLowerCase().startsWith('text/event-stream') ? 'sse' : 'http';
}

function foreignEntry(
  connectionId: string,
  time: number,
  direction: Direction,
  kind: EntryKind,
  payload: Payload,
  wireSize: number,
): Entry {
  return {
    seq: 0,
    connectionId,
    time,
    direction,
    kind,
    payload,
    payloadSize: payloadSize(payload),
    wireSize,
  };
}

/** HAR times are epoch seconds; a value this large can only be milliseconds (year 5138+). */
function epochMs(time: number): number {
  return time > 1e11 ? time : time * 1000;
}

function payloadSize(payload: Payload): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
}

/** The smallest frame that carries `size` bytes: an estimate, the HAR does not say. */
function wsFrameSize(size: number, masked: boolean): number {
  const header = size < 126 ? 2 : size < 65536 ? 4 : 10;
  return header + (masked ? 4 : 0) + size;
}

/** `event:` (unless the default) and `data:` lines, and the blank line: an estimate. */
function sseBlockSize(event: string, data: string): number {
  const eventLine = event === '' || event === 'message' ? 0 : 8 + payloadSize(event);
  const dataLines = data.split('\n');
  return eventLine + dataLines.length * 7 + payloadSize(data) + 1;
}

/** A body as text, or as bytes when given in base64 (undefined when absent, empty or invalid). */
function bodyBytesOrText(
  text: string | undefined,
  encoded: { base64: string } | undefined,
): string | Uint8Array | undefined {
  if (text !== undefined) return text === '' ? undefined : text;
  if (encoded === undefined) return undefined;
  const bytes = base64ToBytes(encoded.base64);
  return bytes === undefined || bytes.length === 0 ? undefined : bytes;
}

function bodyAsEntry(
  connectionId: string,
  time: number,
  direction: 'out' | 'in',
  body: string | Uint8Array,
): Entry {
  const size = typeof body === 'string' ? payloadSize(body) : body.length;
  return {
    seq: 0,
    connectionId,
    time,
    direction,
    kind: typeof body === 'string' ? 'text' : 'binary',
    payload: body,
    payloadSize: size,
    wireSize: size,
  };
}

function headerList(headers: readonly { name: string; value: string }[]): HeaderList {
  return headers.map((h) => [h.name, h.value]);
}

/** `exact`: a Telltale HAR, where an empty `text` is an empty body (others write it for none). */
function responseInfo(har: HarEntryInput, exact: boolean): HttpResponseInfo {
  const response: HttpResponseInfo = {
    status: har.response.status,
    statusText: har.response.statusText ?? '',
    headers: headerList(har.response.headers),
  };
  const content = har.response.content;
  if (typeof content?.text === 'string' && (exact || content.text !== '')) {
    if (content.encoding === 'base64') response.bodyBase64 = content.text;
    else response.body = content.text;
  }
  return response;
}

function copyDefined<T extends object>(
  target: T,
  source: Partial<T>,
  keys: readonly (keyof T)[],
): void {
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) target[key] = value;
  }
}
