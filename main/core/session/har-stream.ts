/**
 * A streaming reader for the one shape a HAR has: `{"log": {…, "entries": [ … ]}}`. It walks the
 * bytes as they arrive and hands over each element of `log.entries` as soon as it is complete
 * (parsed by JSON.parse on that element's text alone), so a HAR of any size is never held whole:
 * memory is bounded by the largest single HAR entry. Every other value (the other fields of `log`
 * and of the root, or a root that is not an object) is parsed whole, the fields of `log` kept.
 *
 * The structure between values is checked here, each value by JSON.parse; a problem is thrown as
 * a JsonStreamError with the line and column (columns count bytes, which is characters for ASCII)
 * and the same wording as locateJsonError.
 */
import { locateJsonError } from './json-error.ts';

export class JsonStreamError extends Error {
  readonly line: number;
  readonly column: number;
  readonly problem: string;
  constructor(line: number, column: number, problem: string) {
    super(`line ${line}, column ${column}: not valid JSON (${problem})`);
    this.name = 'JsonStreamError';
    this.line = line;
    this.column = column;
    this.problem = problem;
  }
}

/** Where the streamed value sits. Only these three containers are walked; the rest is captured. */
type Container = 'root' | 'log' | 'entries';

type Mode =
  | 'value'
  | 'first-key-or-end'
  | 'key'
  | 'colon'
  | 'first-value-or-end'
  | 'comma-or-end'
  | 'capture'
  | 'done';

export class HarStreamScanner {
  /** Fields of `log` other than `entries`, parsed. */
  readonly logFields: Record<string, unknown> = {};
  /** Set when the document is not an object: the whole value (for the "not a HAR" message). */
  rootValue: unknown;
  rootIsObject = false;
  /** `log` was an object (walked); when it was something else, `logValue` holds it. */
  sawLogObject = false;
  logValue: unknown;
  /** `log.entries` was an array and was streamed. */
  sawEntriesArray = false;
  entriesSeen = 0;

  readonly #onEntry: (value: unknown, index: number) => void;
  #mode: Mode = 'value';
  readonly #stack: Container[] = [];
  /** The key whose value comes next, in the innermost walked object. */
  #key = '';
  #capturingKey = false;
  // Capture state.
  #parts: Buffer[] = [];
  #captureLine = 1;
  #captureColumn = 1;
  #depth = 0;
  #inString = false;
  #escape = false;
  #primitive = false;
  // Position.
  #offset = 0;
  #line = 1;
  #lineStart = 0;
  #bomChecked = false;
  #head: Buffer = Buffer.alloc(0);

  constructor(onEntry: (value: unknown, index: number) => void) {
    this.#onEntry = onEntry;
  }

  feed(chunk: Buffer): void {
    if (this.#bomChecked) {
      this.#scan(chunk);
      return;
    }
    // A byte-order mark is skipped; it may arrive split over chunks.
    const head = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
    if (head.length < 3) {
      this.#head = head;
      return;
    }
    this.#head = Buffer.alloc(0);
    this.#bomChecked = true;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.#offset = 3;
      this.#lineStart = 3;
      this.#scan(head.subarray(3));
    } else this.#scan(head);
  }

  #scan(chunk: Buffer): void {
    let i = 0;
    let captureFrom = this.#mode === 'capture' ? i : -1;
    const n = chunk.length;
    while (i < n) {
      const c = chunk[i] ?? 0;
      if (this.#mode === 'capture') {
        if (captureFrom < 0) captureFrom = i;
        const end = this.#scanCapture(chunk, i);
        if (end < 0) {
          // The value goes on in the next chunk.
          this.#offset += n - i;
          break;
        }
        this.#offset += end - i;
        i = end;
        this.#parts.push(chunk.subarray(captureFrom, i));
        captureFrom = -1;
        this.#finishCapture();
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        if (c === 0x0a) {
          this.#line += 1;
          this.#lineStart = this.#offset + 1;
        }
        i++;
        this.#offset++;
        continue;
      }
      this.#structural(c);
      if ((this.#mode as Mode) === 'capture') {
        // The byte that starts a captured value is part of it: do not consume it here.
        captureFrom = i;
        continue;
      }
      i++;
      this.#offset++;
    }
    if (this.#mode === 'capture' && captureFrom >= 0 && captureFrom < n) {
      this.#parts.push(chunk.subarray(captureFrom, n));
    }
  }

  /** The document ended: a value still open is an error (a bare number at the root is not). */
  end(): void {
    if (!this.#bomChecked) {
      this.#bomChecked = true;
      this.#scan(this.#head);
    }
    if (this.#mode === 'capture' && this.#primitive && this.#stack.length === 0) {
      this.#finishCapture();
    }
    if (this.#mode === 'capture') {
      const text = Buffer.concat(this.#parts).toString('utf8');
      const where = locateJsonError(text);
      if (where !== undefined) this.#throwAt(where.line, where.column, where.problem);
      this.#fail('unexpected end of file: it was cut short');
    }
    if (this.#mode !== 'done') this.#fail('unexpected end of file: it was cut short');
  }

  // ── structure ──────────────────────────────────────────────────────────────

  #structural(c: number): void {
    const top = this.#stack[this.#stack.length - 1];
    switch (this.#mode) {
      case 'value':
        this.#startValue(c, top);
        return;
      case 'first-key-or-end':
        if (c === 0x7d) {
          this.#close();
          return;
        }
        this.#startKey(c);
        return;
      case 'key':
        this.#startKey(c);
        return;
      case 'colon':
        if (c !== 0x3a) this.#fail('expected ":"');
        this.#mode = 'value';
        return;
      case 'first-value-or-end':
        if (c === 0x5d) {
          this.#close();
          return;
        }
        this.#startValue(c, top);
        return;
      case 'comma-or-end':
        if (top === 'entries') {
          if (c === 0x2c) this.#mode = 'value';
          else if (c === 0x5d) this.#close();
          else this.#fail('expected "," or "]"');
        } else if (c === 0x2c) this.#mode = 'key';
        else if (c === 0x7d) this.#close();
        else this.#fail('expected "," or "}"');
        return;
      case 'done':
        this.#fail('unexpected text after the JSON value');
        return;
      case 'capture':
        return;
    }
  }

  #startKey(c: number): void {
    if (c !== 0x22) this.#fail('expected a string');
    this.#capturingKey = true;
    this.#beginCapture(c);
  }

  #startValue(c: number, top: Container | undefined): void {
    if (top === undefined && c === 0x7b) {
      this.rootIsObject = true;
      this.#open('root', 'first-key-or-end');
    } else if (top === 'root' && this.#key === 'log' && c === 0x7b) {
      this.sawLogObject = true;
      this.#open('log', 'first-key-or-end');
    } else if (top === 'log' && this.#key === 'entries' && c === 0x5b) {
      this.sawEntriesArray = true;
      this.#open('entries', 'first-value-or-end');
    } else if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a) {
      this.#fail('expected a value');
    } else {
      this.#beginCapture(c);
    }
  }

  #open(container: Container, mode: Mode): void {
    this.#stack.push(container);
    this.#mode = mode;
  }

  #close(): void {
    this.#stack.pop();
    this.#mode = this.#stack.length === 0 ? 'done' : 'comma-or-end';
  }

  // ── captured values ────────────────────────────────────────────────────────

  #beginCapture(c: number): void {
    this.#mode = 'capture';
    this.#parts = [];
    this.#captureLine = this.#line;
    this.#captureColumn = this.#offset - this.#lineStart + 1;
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
    this.#primitive = c !== 0x7b && c !== 0x5b && c !== 0x22;
  }

  /** Scans from `i`; returns the index just past the value, or -1 if it goes on. */
  #scanCapture(chunk: Buffer, i: number): number {
    const n = chunk.length;
    let depth = this.#depth;
    let inString = this.#inString;
    let escape = this.#escape;
    const primitive = this.#primitive;
    // The caller advances #offset past the scanned bytes afterwards; byte j is at base + j.
    const base = this.#offset - i;
    for (; i < n; i++) {
      const c = chunk[i] ?? 0;
      if (primitive) {
        // A number or literal ends at the first delimiter, which is not part of it.
        if (c === 0x2c || c === 0x5d || c === 0x7d || c <= 0x20) {
          this.#saveScan(depth, inString, escape);
          return i;
        }
        continue;
      }
      if (c === 0x0a) {
        this.#line += 1;
        this.#lineStart = base + i + 1;
      }
      if (inString) {
        if (escape) escape = false;
        else if (c === 0x5c) escape = true;
        else if (c === 0x22) {
          inString = false;
          if (depth === 0) {
            this.#saveScan(depth, inString, escape);
            return i + 1;
          }
        }
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          this.#saveScan(depth, inString, escape);
          return i + 1;
        }
      }
    }
    this.#saveScan(depth, inString, escape);
    return -1;
  }

  #saveScan(depth: number, inString: boolean, escape: boolean): void {
    this.#depth = depth;
    this.#inString = inString;
    this.#escape = escape;
  }

  #finishCapture(): void {
    const text =
      this.#parts.length === 1
        ? (this.#parts[0] ?? Buffer.alloc(0)).toString('utf8')
        : Buffer.concat(this.#parts).toString('utf8');
    this.#parts = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const where = locateJsonError(text);
      if (where === undefined) this.#throwAt(1, 1, 'a value JSON.parse refused (nested too deep?)');
      this.#throwAt(where.line, where.column, where.problem);
    }
    if (this.#capturingKey) {
      this.#capturingKey = false;
      this.#key = value as string;
      this.#mode = 'colon';
      return;
    }
    const top = this.#stack[this.#stack.length - 1];
    this.#mode = top === undefined ? 'done' : 'comma-or-end';
    if (top === undefined) this.rootValue = value;
    else if (top === 'log') this.logFields[this.#key] = value;
    else if (this.#key === 'log') this.logValue = value;
    else if (top === 'entries') {
      const index = this.entriesSeen;
      this.entriesSeen += 1;
      this.#onEntry(value, index);
    }
    // Other fields of the root object are checked for JSON and dropped.
  }

  /** A problem at a line and column inside the value being captured. */
  #throwAt(line: number, column: number, problem: string): never {
    throw new JsonStreamError(
      this.#captureLine + line - 1,
      line === 1 ? this.#captureColumn + column - 1 : column,
      problem,
    );
  }

  #fail(problem: string): never {
    throw new JsonStreamError(this.#line, this.#offset - this.#lineStart + 1, problem);
  }
}
