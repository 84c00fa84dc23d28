/**
 * Telltale NDJSON session format, one line at a time (docs/session-format.md).
 * Serializing never fails on a well-typed value; parsing never throws: it returns a typed error
 * with a stable code and a message naming the line and the field.
 */
import type { z } from 'zod';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry, Payload } from '../../../shared/model/entry.ts';
import {
  SESSION_FORMAT_VERSION,
  connectionFitsModel,
  connectionLineSchema,
  entryLineSchema,
  headerLineSchema,
  recordTypeSchema,
  type SessionHeader,
} from './ndjson-schema.ts';

export { SESSION_FORMAT_VERSION, type SessionHeader } from './ndjson-schema.ts';

export type SessionRecord =
  | { type: 'header'; header: SessionHeader }
  | { type: 'connection'; connection: Connection }
  | { type: 'entry'; entry: Entry }
  /** A line of a type this reader does not know (written by a newer version): skip it. */
  | { type: 'unknown'; recordType: string };

export type SessionLineErrorCode =
  | 'invalid-json'
  | 'not-an-object'
  | 'missing-type'
  | 'invalid-header'
  | 'unsupported-version'
  | 'invalid-connection'
  | 'invalid-entry'
  | 'invalid-base64';

export interface SessionLineError {
  line: number;
  code: SessionLineErrorCode;
  /** Starts with `line N:`; names the field when one is at fault. */
  message: string;
}

export type ParseLineResult =
  { ok: true; record: SessionRecord } | { ok: false; error: SessionLineError };

// ── writing ──────────────────────────────────────────────────────────────────

/** `generator` names the program that wrote the file (free text, for humans). */
export function serializeHeader(created: number = Date.now(), generator = 'telltale'): string {
  return JSON.stringify({
    type: 'telltale',
    version: SESSION_FORMAT_VERSION,
    created,
    generator,
  });
}

/**
 * The full connection; written again whenever it changes (the last line for an id wins). Keys in
 * the model's order whatever order the object was built in, so that the same connection always
 * gives the same line (an exported file re-exported is byte-identical).
 */
export function serializeConnection(c: Connection): string {
  const response =
    c.response === undefined
      ? undefined
      : {
          status: c.response.status,
          statusText: c.response.statusText,
          headers: c.response.headers,
          body: c.response.body,
          bodyBase64: c.response.bodyBase64,
          bodyTruncated: c.response.bodyTruncated,
        };
  return escapeLineSeparators(
    JSON.stringify({
      type: 'connection',
      id: c.id,
      kind: c.kind,
      source: c.source,
      url: c.url,
      method: c.method,
      requestHeaders: c.requestHeaders,
      requestBody: c.requestBody,
      requestBodyBase64: c.requestBodyBase64,
      response,
      protocol: c.protocol,
      extensions: c.extensions,
      state: c.state,
      openedAt: c.openedAt,
      closedAt: c.closedAt,
      closeCode: c.closeCode,
      closeReason: c.closeReason,
      closeInitiator: c.closeInitiator,
      error: c.error,
      bytesOut: c.bytesOut,
      bytesIn: c.bytesIn,
      resumes: c.resumes,
      pingRttMs: c.pingRttMs,
      replayOf: c.replayOf,
      protocolChoice: c.protocolChoice,
    } satisfies Record<keyof Connection | 'type', unknown>),
  );
}

export function serializeEntry(entry: Entry): string {
  const { payload } = entry;
  const text = typeof payload === 'string';
  // Fixed key order keeps files diffable; JSON.stringify drops the undefined ones.
  return escapeLineSeparators(
    JSON.stringify({
      type: 'entry',
      seq: entry.seq,
      connectionId: entry.connectionId,
      time: entry.time,
      direction: entry.direction,
      kind: entry.kind,
      payload: text ? payload : bytesToBase64(payload),
      payloadEncoding: text ? undefined : 'base64',
      payloadSize: entry.payloadSize,
      wireSize: entry.wireSize,
      frame: entry.frame,
      close: entry.close,
      sse: entry.sse,
      lifecycle: entry.lifecycle,
      notes: entry.notes,
      intervention: entry.intervention,
    }),
  );
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * JSON.stringify leaves U+2028/U+2029 raw; some line readers (node:readline among them) split
 * on them. Escaped, every line survives any splitter, and JSON.parse reads the same string.
 */
export function escapeLineSeparators(json: string): string {
  return json.replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

// ── reading ──────────────────────────────────────────────────────────────────

/** Parses one line (without its newline). `lineNumber` is 1-based and only used in messages. */
export function parseSessionLine(line: string, lineNumber: number): ParseLineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(lineNumber, 'invalid-json', `not valid JSON (${reason})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(lineNumber, 'not-an-object', `expected a JSON object, found ${describe(value)}`);
  }
  const typed = recordTypeSchema.safeParse(value);
  if (!typed.success) {
    return fail(lineNumber, 'missing-type', 'the object has no string field "type"');
  }
  switch (typed.data.type) {
    case 'telltale':
      return parseHeader(value, lineNumber);
    case 'connection': {
      const parsed = connectionLineSchema.safeParse(value);
      if (!parsed.success) {
        return fail(lineNumber, 'invalid-connection', `connection ${describeIssues(parsed.error)}`);
      }
      return ok({ type: 'connection', connection: connectionFitsModel(parsed.data) });
    }
    case 'entry':
      return parseEntry(value, lineNumber);
    default:
      return ok({ type: 'unknown', recordType: typed.data.type });
  }
}

function parseHeader(value: object, lineNumber: number): ParseLineResult {
  const parsed = headerLineSchema.safeParse(value);
  if (!parsed.success) {
    return fail(lineNumber, 'invalid-header', `header ${describeIssues(parsed.error)}`);
  }
  const { type: _type, ...header } = parsed.data;
  if (header.version !== SESSION_FORMAT_VERSION) {
    return fail(
      lineNumber,
      'unsupported-version',
      `session format version ${header.version} is not supported (this reader knows version ${SESSION_FORMAT_VERSION})`,
    );
  }
  return ok({ type: 'header', header });
}

function parseEntry(value: object, lineNumber: number): ParseLineResult {
  const parsed = entryLineSchema.safeParse(value);
  if (!parsed.success) {
    return fail(lineNumber, 'invalid-entry', `entry ${describeIssues(parsed.error)}`);
  }
  const { type: _type, payloadEncoding, payload: rawPayload, ...fields } = parsed.data;
  let payload: Payload = rawPayload;
  if (payloadEncoding === 'base64') {
    const bytes = base64ToBytes(rawPayload);
    if (bytes === undefined) {
      return fail(
        lineNumber,
        'invalid-base64',
        `entry field "payload": not valid base64 although "payloadEncoding" is "base64"`,
      );
    }
    payload = bytes;
  }
  // Same property order as the store's entries (it copies them anyway).
  const entry: Entry = {
    seq: fields.seq,
    connectionId: fields.connectionId,
    time: fields.time,
    direction: fields.direction,
    kind: fields.kind,
    payload,
    payloadSize: fields.payloadSize,
    wireSize: fields.wireSize,
    frame: fields.frame,
    close: fields.close,
    sse: fields.sse,
    lifecycle: fields.lifecycle,
    notes: fields.notes,
    intervention: fields.intervention,
  };
  return ok({ type: 'entry', entry });
}

// ── helpers ──────────────────────────────────────────────────────────────────

function ok(record: SessionRecord): ParseLineResult {
  return { ok: true, record };
}

function fail(line: number, code: SessionLineErrorCode, problem: string): ParseLineResult {
  return { ok: false, error: { line, code, message: `line ${line}: ${problem}` } };
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `field "${path}": ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : '';
  return shown.join('; ') + more;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict (canonical padding, no whitespace) so that a damaged payload is reported, not guessed. */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  // A plain Uint8Array of its own: a Buffer view could pin a shared 8 KiB pool slab.
  return new Uint8Array(Buffer.from(text, 'base64'));
}
