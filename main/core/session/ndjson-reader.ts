/**
 * Reads a Telltale NDJSON session file into a new SessionStore, streaming line by line (the
 * file is never held whole in memory).
 *
 * Fatal (rejects with SessionFileError naming the line): an unreadable file, a missing or bad
 * header, an unsupported version, a malformed line, a seq that does not increase.
 * Noted and skipped (the read succeeds): lines of unknown type (a newer writer), and a torn last
 * line (no trailing newline and not valid, as left by a crash mid-write).
 *
 * Payloads stay in the file: the store learns where each entry's line lies and keeps only up to
 * its payload budget in memory, reading the rest back on demand. The file must stay unchanged
 * while the store lives (journals are append-only; an exported file is replaced, not rewritten).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Payload } from '../../../shared/model/entry.ts';
import {
  parseSessionLine,
  type SessionHeader,
  type SessionLineError,
  type SessionLineErrorCode,
} from './ndjson.ts';
import { SessionStore, type SessionStoreOptions } from './store.ts';

export type SessionFileErrorCode =
  | SessionLineErrorCode
  | 'unreadable'
  | 'empty-file'
  | 'missing-header'
  | 'duplicate-header'
  | 'seq-not-increasing'
  /** HAR import (har-import.ts): valid JSON without `log.entries`, or a malformed HAR entry. */
  | 'not-a-har'
  | 'invalid-har'
  /** session-file.ts: neither `.ndjson` nor `.har`. */
  | 'unsupported-format';

export class SessionFileError extends Error {
  readonly code: SessionFileErrorCode;
  /** 1-based line of the problem; 0 when it is about the file as a whole. */
  readonly line: number;
  readonly path: string;

  constructor(
    path: string,
    line: number,
    code: SessionFileErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${message}`, options);
    this.name = 'SessionFileError';
    this.path = path;
    this.line = line;
    this.code = code;
  }
}

/**
 * Lines an export adds after the entries (LLM summaries, diagnostics findings): known, derived
 * from the entries, and so skipped without a note (an export of them recomputes them).
 */
export const DERIVED_RECORD_TYPES: ReadonlySet<string> = new Set([
  'llm',
  'diagnostic',
  'protocol-channel',
  'protocol',
  'pair',
  'unanswered',
]);

export type SessionNoteCode =
  | 'unknown-type'
  | 'torn-last-line'
  | 'unknown-connection'
  /** HAR import: a message of a type or opcode Telltale cannot place, skipped. */
  | 'har-skipped-message'
  /** HAR import: binary data that was not valid base64, kept as the bytes of its text. */
  | 'har-invalid-base64'
  /** HAR import: SSE events decoded from a response body carry the request's start time. */
  | 'har-sse-from-body'
  /** HAR import: a HAR not written by Telltale; sizes are estimates and seqs follow time. */
  | 'har-foreign';

/** Something skipped or odd that did not stop the read. */
export interface SessionNote {
  line: number;
  code: SessionNoteCode;
  message: string;
}

export interface ReadSessionResult {
  header: SessionHeader;
  /** Connections in order of first appearance, each in the state of its last line. */
  store: SessionStore;
  notes: SessionNote[];
}

export interface ReadSessionOptions {
  /** Options for the store that is created. */
  store?: SessionStoreOptions;
}

export async function readNdjsonSession(
  path: string,
  options: ReadSessionOptions = {},
): Promise<ReadSessionResult> {
  const store = new SessionStore(options.store);
  const notes: SessionNote[] = [];
  const connections = new Map<string, Connection>();
  const unknownTypes = new Set<string>();
  let header: SessionHeader | undefined;
  let lineNumber = 0;

  // Payload chars per byte of entry line so far (the header and connection lines would skew it).
  let payloadSoFar = 0;
  let entryBytesSoFar = 0;
  /** The first seq of each connection's entries, to name those without a connection line. */
  const firstSeqs = new Map<string, number>();

  // Opened before reading: an unreadable file fails below, as before.
  const file = store.payloadFile(path);
  let input: ReturnType<typeof createReadStream> | undefined;
  try {
    const fileSize = (await stat(path)).size;
    // Made only once the file is known to exist: a stream that fails to open with nobody
    // reading it yet would throw its 'error' event out of the process.
    input = createReadStream(path, { highWaterMark: 1 << 18 });
    const { budget } = store.memoryStats();
    for await (const { text, terminated, offset, length } of readLines(input)) {
      lineNumber += 1;
      const line = lineNumber === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
      if (line.trim() === '') continue;
      const result = parseSessionLine(line, lineNumber);
      if (!result.ok) {
        // Only the very end of the file may be torn (a crash mid-write leaves no newline).
        if (terminated) throw lineError(path, result.error);
        notes.push({
          line: lineNumber,
          code: 'torn-last-line',
          message: `line ${lineNumber}: skipped an incomplete last line (the writer was interrupted)`,
        });
        continue;
      }
      const { record } = result;
      if (header === undefined) {
        if (record.type !== 'header') {
          throw new SessionFileError(
            path,
            lineNumber,
            'missing-header',
            `line ${lineNumber}: expected the session header {"type":"telltale","version":1,…} on the first line, found a "${record.type === 'unknown' ? record.recordType : record.type}" line`,
          );
        }
        header = record.header;
        continue;
      }
      switch (record.type) {
        case 'header':
          throw new SessionFileError(
            path,
            lineNumber,
            'duplicate-header',
            `line ${lineNumber}: a second session header (files cannot be concatenated)`,
          );
        case 'connection':
          // Last line for an id wins; Map keeps the first-appearance order.
          connections.set(record.connection.id, record.connection);
          break;
        case 'entry':
          if (record.entry.seq <= store.lastSeq) {
            throw new SessionFileError(
              path,
              lineNumber,
              'seq-not-increasing',
              `line ${lineNumber}: entry field "seq": ${record.entry.seq} does not follow ${store.lastSeq} (seqs must increase)`,
            );
          }
          if (!firstSeqs.has(record.entry.connectionId)) {
            firstSeqs.set(record.entry.connectionId, record.entry.seq);
          }
          payloadSoFar += payloadBytes(record.entry.payload);
          entryBytesSoFar += length + 1;
          store.appendWithSeq(
            record.entry,
            file === 0
              ? undefined
              : {
                  file,
                  offset,
                  length,
                  keepPayload: !surelyEvicted(
                    payloadSoFar / entryBytesSoFar,
                    fileSize - (offset + length + 1),
                    budget,
                  ),
                },
          );
          break;
        case 'unknown':
          // Derived records are recomputed from the entries whenever they are needed.
          if (DERIVED_RECORD_TYPES.has(record.recordType)) break;
          // One note per type, not per line: a newer file may hold millions of them.
          if (!unknownTypes.has(record.recordType)) {
            unknownTypes.add(record.recordType);
            notes.push({
              line: lineNumber,
              code: 'unknown-type',
              message: `line ${lineNumber}: skipped lines of unknown type "${record.recordType}" (written by a newer version?)`,
            });
          }
          break;
      }
    }
  } catch (error) {
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(path, 0, 'unreadable', `cannot read: ${describe(error)}`, {
      cause: error,
    });
  } finally {
    input?.destroy();
  }

  if (header === undefined) {
    throw new SessionFileError(
      path,
      lineNumber === 0 ? 0 : 1,
      lineNumber === 0 ? 'empty-file' : 'missing-header',
      lineNumber === 0 ? 'the file is empty' : 'line 1: no session header (only blank lines)',
    );
  }

  for (const connection of connections.values()) store.addConnection(connection);
  noteOrphanEntries(firstSeqs, connections, notes);
  return { header, store, notes };
}

/**
 * Whether an entry's payload would be evicted anyway before the read is over: the payload still
 * to come (`bytesAfter` of file at the entry lines' payload density so far) is well over the
 * budget. The store then need not keep it meanwhile: kept, it would only be promoted to the old
 * generation to die there (1 GB of it for a 1 GB file). A wrong guess costs no correctness: a
 * payload dropped that would have fitted is read back from the file. The store drops one only
 * while every earlier payload is dropped, so this pays off when it holds from the first entry.
 */
function surelyEvicted(density: number, bytesAfter: number, budget: number): boolean {
  return bytesAfter * density > SURELY_EVICTED_FACTOR * budget;
}

/** Margin for the estimate above: density may change along a file. */
const SURELY_EVICTED_FACTOR = 1.25;

function payloadBytes(payload: Payload): number {
  return typeof payload === 'string' ? payload.length : payload.byteLength;
}

/**
 * Entries whose connection has no line in the file are kept, and said. From what the read
 * collected, not by a pass over the store (that would read every evicted payload back).
 */
function noteOrphanEntries(
  firstSeqs: ReadonlyMap<string, number>,
  connections: ReadonlyMap<string, Connection>,
  notes: SessionNote[],
): void {
  for (const [connectionId, seq] of firstSeqs) {
    if (connections.has(connectionId)) continue;
    notes.push({
      line: 0,
      code: 'unknown-connection',
      message: `entries of connection "${connectionId}" (first: seq ${seq}) have no connection line`,
    });
  }
}

function lineError(path: string, error: SessionLineError): SessionFileError {
  return new SessionFileError(path, error.line, error.code, error.message);
}

interface Line {
  text: string;
  /** False for a last line without its LF. */
  terminated: boolean;
  /** Byte offset of the line in the file, and its length in bytes without the LF. */
  offset: number;
  length: number;
}

/**
 * Splits a byte stream on LF (a CR before it is dropped from the text) and decodes each line as
 * UTF-8; splitting bytes rather than text gives each line's byte offset, which the store needs
 * to read a payload back. Our own splitter rather than node:readline, which also breaks lines at
 * U+2028/U+2029 (legal unescaped inside JSON strings) and cannot tell whether the last line had
 * its newline (a torn write). LF never occurs inside a multi-byte UTF-8 sequence.
 */
async function* readLines(input: AsyncIterable<Buffer>): AsyncGenerator<Line, void, undefined> {
  // Pieces of a line longer than one chunk, joined once (no quadratic concatenation).
  let parts: Buffer[] = [];
  let partsStart = 0;
  let base = 0;
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      let text: string;
      let lineStart: number;
      if (parts.length === 0) {
        text = chunk.toString('utf8', start, nl);
        lineStart = base + start;
      } else {
        parts.push(chunk.subarray(start, nl));
        text = Buffer.concat(parts).toString('utf8');
        lineStart = partsStart;
        parts = [];
      }
      yield {
        text: text.endsWith('\r') ? text.slice(0, -1) : text,
        terminated: true,
        offset: lineStart,
        length: base + nl - lineStart,
      };
      start = nl + 1;
    }
    if (start < chunk.length) {
      if (parts.length === 0) partsStart = base + start;
      parts.push(chunk.subarray(start));
    }
    base += chunk.length;
  }
  if (parts.length > 0) {
    yield {
      text: Buffer.concat(parts).toString('utf8'),
      terminated: false,
      offset: partsStart,
      length: base - partsStart,
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
