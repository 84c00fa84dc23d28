/**
 * SseDecoder: the WHATWG HTML "Interpreting an event stream" algorithm as an incremental,
 * byte-fed state machine. It owns no socket; feed it the response body (after de-chunking and
 * content decoding) and it reports events, comments, retry values and, at `end()`, an
 * unterminated block, synchronously and in order. Bad input never throws; it becomes notes.
 *
 * How it stays fast and exact:
 * - Bytes are cut into "regions" of complete lines (a region always ends just after a line
 *   break). Line breaks are ASCII, so decoding a region on its own gives exactly the text the
 *   spec's streaming decoder would give, a character split across chunks included: it is still
 *   whole in the region that ends the line. Each region is decoded by one native TextDecoder
 *   call, then lines are found with native string indexOf, as eventsource-parser does.
 * - Wire sizes are byte positions. When the decoded text has as many UTF-16 units as the region
 *   has bytes, every byte became one unit, so text index = byte index. Valid non-ASCII text adds
 *   the extra UTF-8 bytes of the non-ASCII runs before a position (one regex scan per region).
 *   Only text with invalid bytes (or a line over the limit) finds each line break's byte with a
 *   native byte search.
 * - A CR that is a chunk's last byte waits for the next chunk (or `end()`): it may be half of a
 *   CRLF, and sizes must not depend on where the bytes were split. Streams that end lines with
 *   CR alone therefore see each event when the next bytes arrive; CRLF and LF streams never wait.
 *
 * The sink must not call back into the decoder.
 */
import type { Buffer } from 'node:buffer';
import type { DecoderNote, SseDetail } from '../../../../shared/model/entry.ts';
import {
  CR,
  LF,
  asBuffer,
  completeLinesEnd,
  firstLineBreak,
  firstLineEnd,
  joinBytes,
  startsWithBom,
} from './line-breaks.ts';
import { SseNoteCode } from './sse-output.ts';
import type { SseIncompleteOutput, SseOutput } from './sse-output.ts';
import { isWellFormedUtf8, isWellFormedUtf8Prefix, utf8Length } from './utf8.ts';

export interface SseDecoderOptions {
  /** Receives every output, synchronously, in stream order. */
  onOutput: (out: SseOutput) => void;
  /**
   * Longest line, and longest data of one event, that is kept, in bytes (data: UTF-16 units).
   * Anything beyond is dropped and noted `sse.event-too-large`, and decoding goes on at the next
   * line, so a stream without line breaks cannot grow memory without bound. Default 16 MiB,
   * minimum 16.
   */
  maxEventSize?: number;
  /**
   * Attach the decoded text of each block (`raw`) to events, comments and the incomplete tail
   * (cut at twice `maxEventSize` characters).
   */
  keepRaw?: boolean;
  /**
   * The last event ID carried over from the connection this one resumes. The spec starts each
   * stream's buffer empty, which would make the first id-less event after a reconnect report an
   * empty ID; browsers (Chromium's EventSourceParser) seed the new parser with the ID in force,
   * and EventSource reports that, so we do the same.
   */
  lastEventId?: string;
}

export const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

const COLON = 0x3a;
const SPACE = 0x20;
const REPLACEMENT = '\uFFFD';

/** Per-line flags from the slow paths. */
/** `endAbs` of a line in a valid non-ASCII region: ask #abs when a size is needed. */
const LAZY = -1;

const PLAIN = 0;
const INVALID_UTF8 = 1;
const TRUNCATED = 2;

const ASCII_DIGITS = /^[0-9]+$/;
const NON_ASCII_RUN = /[^\0-\x7f]+/g;

/** UTF-8 bytes beyond one per UTF-16 unit, for a run of non-ASCII units. */
function utf8Extra(run: string): number {
  let extra = 0;
  for (let k = 0; k < run.length; k++) {
    const c = run.charCodeAt(k);
    // 2-byte forms add 1; 3-byte forms add 2; a surrogate pair (4 bytes, 2 units) adds 1 each.
    extra += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return extra;
}

export class SseDecoder {
  readonly #emit: (out: SseOutput) => void;
  readonly #max: number;
  readonly #keepRaw: boolean;
  // ignoreBOM: the stream's BOM is stripped once by hand; a U+FEFF starting a later region is text.
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  // --- byte stream ---
  /** Absolute offset of the first byte not yet interpreted (the start of the carried line). */
  #pos = 0;
  /** Bytes of the line in progress, as copies (the caller may reuse its buffers). */
  #carry: Uint8Array[] = [];
  #carryLen = 0;
  /** The carry is a whole line ending in CR; the next byte decides whether an LF joins it. */
  #crPending = false;
  /** No byte interpreted yet: a leading BOM is still to be stripped. */
  #atStart = true;
  /** The line in progress outgrew the limit: its head is in the carry, the rest is skipped. */
  #skipping = false;
  #skipped = 0;
  /** While skipping, the line ended in CR at a chunk's end (see #crPending). */
  #skipCr = false;
  #ended = false;

  // --- the spec's buffers, plus what the inspector wants to know about the block ---
  #idBuffer = '';
  #lastEventId = '';
  #data = '';
  #dataLines = 0;
  #dataCapped = false;
  #type = '';
  /** This block's own last valid `id` value. */
  #id: string | undefined = undefined;
  #retry: number | undefined = undefined;
  #notes: DecoderNote[] | undefined = undefined;
  /** UTF-8 bytes of the kept data beyond one per UTF-16 unit: payloadSize = length + this. */
  #dataExtra = 0;
  /** The block has a line other than comments (what makes an unterminated block worth reporting). */
  #fields = false;
  #blockStart = 0;
  #lineStart = 0;
  /**
   * Valid non-ASCII region: where each run of non-ASCII text ends and the extra UTF-8 bytes
   * (beyond one per unit) up to there, walked by #extra as positions advance.
   */
  #mapBase = 0;
  #runEnds: number[] = [];
  #runExtras: number[] = [];
  #run = 0;
  /** keepRaw: the block's text from earlier regions, and where it starts in the current one. */
  #raw = '';
  #rawFrom = 0;
  /** One of the fields below `#fields` was changed in this block (see #resetBlock). */
  #rare = false;
  #sharedDetail: Readonly<SseDetail> | undefined = undefined;

  constructor(options: SseDecoderOptions) {
    this.#emit = options.onOutput;
    this.#max = Math.max(16, Math.floor(options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE));
    this.#keepRaw = options.keepRaw ?? false;
    this.#idBuffer = this.#lastEventId = options.lastEventId ?? '';
  }

  /** The last event ID string as EventSource keeps it: what to send as `Last-Event-ID`. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Bytes fed so far. */
  get bytesFed(): number {
    return this.#pos + this.#carryLen + this.#skipped + (this.#skipCr ? 1 : 0);
  }

  /** Feeds the next bytes of the stream. The chunk is not retained after the call. */
  feed(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    let bytes = asBuffer(chunk);
    if (this.#skipping) {
      const resume = this.#skip(bytes);
      if (resume === -1 || resume === bytes.length) return;
      bytes = bytes.subarray(resume);
    }
    if (this.#crPending) {
      this.#crPending = false;
      // A bare CR: the carried line is complete on its own. (An LF joins it in the region below.)
      if (bytes[0] !== LF) this.#flushCarry();
    }
    const end = completeLinesEnd(bytes);
    if (end === 0) {
      this.#keep(bytes);
      return;
    }
    let head = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (this.#carryLen !== 0) {
      // Only the line that joins carry and chunk is copied; the rest is decoded in place.
      const first = firstLineEnd(head);
      const joined = joinBytes(this.#carry, this.#carryLen, head.subarray(0, first));
      this.#carry = [];
      this.#carryLen = 0;
      const start = this.#pos;
      this.#pos += joined.length;
      this.#region(joined, start);
      head = head.subarray(first);
    }
    if (head.length !== 0) {
      const start = this.#pos;
      this.#pos += head.length;
      this.#region(head, start);
    }
    if (end < bytes.length) this.#keep(bytes.subarray(end));
  }

  /**
   * The stream ended. A CR left waiting is a complete line break; a block without its blank
   * line is not dispatched but reported as `incomplete`. Later feeds are ignored.
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    let partial: Uint8Array | undefined;
    let partialWire = 0;
    if (this.#skipping) {
      if (this.#skipCr) {
        this.#finishSkipped('\r');
      } else {
        partial = joinBytes(this.#carry, this.#carryLen);
        partialWire = this.#carryLen + this.#skipped;
        this.#note(SseNoteCode.eventTooLarge, this.#tooLargeMessage());
      }
    } else if (this.#crPending) {
      this.#crPending = false;
      this.#flushCarry();
    } else if (this.#carryLen > 0) {
      partial = joinBytes(this.#carry, this.#carryLen);
      partialWire = this.#carryLen;
    }
    if (partial === undefined && !this.#fields && this.#dataLines === 0) return;
    this.#emitIncomplete(partial, this.#pos + partialWire);
  }

  // ---------------------------------------------------------------------------------------------
  // Bytes → regions

  /** Keeps the bytes of an unfinished line; starts skipping when the line outgrows the limit. */
  #keep(tail: Uint8Array): void {
    const endsWithCr = tail[tail.length - 1] === CR;
    const lineLen = tail.length - (endsWithCr ? 1 : 0);
    // A leading BOM does not count against the limit, as in #region where it is already gone.
    const room = this.#max + (this.#atStart ? this.#leadingBomLength(tail) : 0) - this.#carryLen;
    if (lineLen <= room) {
      this.#carry.push(new Uint8Array(tail));
      this.#carryLen += tail.length;
      this.#crPending = endsWithCr;
      return;
    }
    if (room > 0) this.#carry.push(new Uint8Array(tail.subarray(0, room)));
    this.#carryLen += Math.max(room, 0);
    this.#skipping = true;
    this.#skipped = lineLen - Math.max(room, 0);
    this.#skipCr = endsWithCr;
  }

  #leadingBomLength(tail: Uint8Array): number {
    const head = joinBytes(this.#carry, this.#carryLen, tail.subarray(0, 3));
    return startsWithBom(head) ? 3 : 0;
  }

  /** While skipping: returns where normal decoding resumes in `bytes`, or -1 if all was skipped. */
  #skip(bytes: Buffer): number {
    if (this.#skipCr) {
      if (bytes[0] === LF) {
        this.#finishSkipped('\r\n');
        return 1;
      }
      this.#finishSkipped('\r');
      return 0;
    }
    const at = firstLineBreak(bytes);
    if (at === -1) {
      this.#skipped += bytes.length;
      return -1;
    }
    this.#skipped += at;
    if (bytes[at] === LF) {
      this.#finishSkipped('\n');
      return at + 1;
    }
    if (at === bytes.length - 1) {
      this.#skipCr = true;
      return -1;
    }
    const crlf = bytes[at + 1] === LF;
    this.#finishSkipped(crlf ? '\r\n' : '\r');
    return at + (crlf ? 2 : 1);
  }

  /** The over-long line got its terminator: interpret its kept head. */
  #finishSkipped(terminator: string): void {
    let kept = joinBytes(this.#carry, this.#carryLen);
    const start = this.#pos;
    const endAbs = start + this.#carryLen + this.#skipped + terminator.length;
    this.#pos = endAbs;
    this.#carry = [];
    this.#carryLen = 0;
    this.#skipping = false;
    this.#skipped = 0;
    this.#skipCr = false;
    if (this.#atStart) {
      this.#atStart = false;
      if (startsWithBom(kept)) kept = kept.subarray(3);
    }
    this.#lineStart = start;
    this.#truncatedLine(kept, terminator, endAbs);
  }

  /** Interprets the carry, a whole line ending in a bare CR. */
  #flushCarry(): void {
    const region = joinBytes(this.#carry, this.#carryLen);
    const start = this.#pos;
    this.#pos += region.length;
    this.#carry = [];
    this.#carryLen = 0;
    this.#region(region, start);
  }

  // ---------------------------------------------------------------------------------------------
  // Regions → lines

  /** `bytes` are complete lines (they end just after a line break); `start` is bytes[0]'s offset. */
  #region(bytes: Uint8Array, start: number): void {
    let body = asBuffer(bytes);
    if (this.#atStart) {
      this.#atStart = false;
      if (startsWithBom(bytes)) body = body.subarray(3);
    }
    const base = start + bytes.length - body.length;
    const s = this.#decoder.decode(body);
    // Units = bytes means every byte became one unit: text index i is byte base + i.
    const exact = s.length === body.length;
    const replaced = s.includes(REPLACEMENT);
    const invalid = replaced && !isWellFormedUtf8(body);
    const ascii = exact && !replaced;
    // Invalid bytes or a possible over-long line: find each break's byte position as we go.
    const careful = invalid || body.length > this.#max;
    this.#lineStart = start;
    this.#rawFrom = 0;
    if (!exact && !careful) {
      // Valid non-ASCII text: byte offsets are derived from where its non-ASCII runs are.
      this.#mapBase = base;
      this.#mapRuns(s);
    }

    const n = s.length;
    const cr = s.indexOf('\r');
    if (cr === -1 && !careful && exact) {
      this.#lfRegion(s, base);
    } else {
      this.#anyRegion(s, body, base, cr, careful, exact, invalid, ascii);
    }
    // The block goes on in the next region: keep its text (bounded like everything else).
    if (this.#keepRaw && this.#rawFrom < n) this.#appendRaw(s.slice(this.#rawFrom));
  }

  /**
   * The hot path: ASCII text, LF line breaks only, no line over the limit (most real streams,
   * chunk after chunk). The most common shapes are handled inline, as eventsource-parser does.
   */
  #lfRegion(s: string, base: number): void {
    let start = 0;
    let lf = s.indexOf('\n');
    while (lf !== -1) {
      let next = lf + 1;
      if (start === lf) {
        this.#dispatch(s, next, base + next);
      } else if (
        s.charCodeAt(start) === 0x64 && // data:
        s.charCodeAt(start + 1) === 0x61 &&
        s.charCodeAt(start + 2) === 0x74 &&
        s.charCodeAt(start + 3) === 0x61 &&
        s.charCodeAt(start + 4) === COLON
      ) {
        const value = s.slice(s.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, lf);
        this.#fields = true;
        if (this.#dataLines === 0 && s.charCodeAt(next) === LF) {
          // A one-line event: `data: …` and its blank line. No joining needed.
          next++;
          const endAbs = base + next;
          const shared = this.#sharedDetail;
          if (
            !this.#rare &&
            !this.#keepRaw &&
            shared !== undefined &&
            shared.event === 'message' &&
            shared.lastEventId === this.#idBuffer
          ) {
            // Nothing but this line in the block: the whole dispatch, without the general case.
            const wireSize = endAbs - this.#blockStart;
            this.#blockStart = endAbs;
            this.#lineStart = endAbs;
            this.#fields = false;
            this.#emit({
              kind: 'event',
              payload: value,
              payloadSize: value.length,
              wireSize,
              sse: shared,
            });
          } else {
            this.#data = value;
            this.#dataLines = 1;
            this.#dispatch(s, next, endAbs);
          }
        } else {
          this.#appendData(value, 0);
          this.#lineStart = base + next;
        }
      } else {
        this.#line(s, start, lf, next, base + next, true, PLAIN);
      }
      start = next;
      lf = s.indexOf('\n', next);
    }
  }

  /** Any region: CR, CRLF or LF breaks; non-ASCII, invalid or over-long lines go line by line. */
  #anyRegion(
    s: string,
    body: Buffer,
    base: number,
    firstCr: number,
    careful: boolean,
    exact: boolean,
    invalid: boolean,
    ascii: boolean,
  ): void {
    const n = s.length;
    let lineStart = 0;
    let cursor = 0; // byte offset in body of lineStart (careful mode)
    let cr = firstCr;
    let lf = s.indexOf('\n');
    while (lineStart < n) {
      let end: number;
      let next: number;
      // Found positions are reused until passed, so each break is searched for once.
      if (lf !== -1 && (cr === -1 || lf < cr)) {
        end = lf;
        next = lf + 1;
        lf = s.indexOf('\n', next);
      } else {
        if (cr === -1) break; // unreachable: a region ends with a line break
        end = cr;
        next = s.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        cr = s.indexOf('\r', next);
        if (lf !== -1 && lf < next) lf = s.indexOf('\n', next);
      }
      if (careful) {
        cursor = this.#carefulLine(s, body, base, lineStart, end, next, cursor, exact, invalid);
      } else {
        this.#line(s, lineStart, end, next, exact ? base + next : LAZY, ascii, PLAIN);
      }
      lineStart = next;
    }
  }

  /** One line of a region that is non-ASCII, has invalid bytes, or may hold an over-long line. */
  #carefulLine(
    s: string,
    body: Buffer,
    base: number,
    lineStart: number,
    end: number,
    next: number,
    cursor: number,
    exact: boolean,
    invalid: boolean,
  ): number {
    // The same break in the bytes: no break lies between cursor and it, so the first byte with
    // its value is it.
    const breakAt = exact ? end : body.indexOf(s.charCodeAt(end), cursor);
    const endByte = breakAt + next - end;
    if (breakAt - cursor > this.#max) {
      if (this.#keepRaw) this.#appendRaw(s.slice(this.#rawFrom, lineStart));
      const kept = body.subarray(cursor, cursor + this.#max);
      this.#truncatedLine(kept, s.slice(end, next), base + endByte);
      this.#rawFrom = next;
    } else {
      const bad =
        invalid &&
        s.slice(lineStart, end).includes(REPLACEMENT) &&
        !isWellFormedUtf8(body.subarray(cursor, breakAt));
      this.#line(
        s,
        lineStart,
        end,
        next,
        base + endByte,
        exact && !invalid,
        bad ? INVALID_UTF8 : PLAIN,
      );
    }
    return endByte;
  }

  /** The first `max` bytes of an over-long line, interpreted as if they were the whole line. */
  #truncatedLine(kept: Uint8Array, terminator: string, endAbs: number): void {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(kept);
    const line = text + terminator;
    const flags = TRUNCATED | (isWellFormedUtf8Prefix(kept) ? PLAIN : INVALID_UTF8);
    if (this.#keepRaw) this.#appendRaw(line);
    this.#line(line, 0, text.length, line.length, endAbs, false, flags);
  }

  // ---------------------------------------------------------------------------------------------
  // Lines → fields (the spec's "process the field")

  /**
   * `s[start, end)` is the line, `s[end, next)` its break; `endAbs` is the stream offset after the
   * break. `ascii`: the line's text is pure ASCII (so its UTF-8 size is its length).
   */
  #line(
    s: string,
    start: number,
    end: number,
    next: number,
    endAbs: number,
    ascii: boolean,
    flags: number,
  ): void {
    if (start === end) {
      this.#dispatch(s, next, endAbs);
    } else {
      const c0 = s.charCodeAt(start);
      if (c0 === COLON) {
        this.#comment(s, start, end, next, endAbs, ascii, flags);
      } else {
        this.#fields = true;
        if (flags !== PLAIN) {
          if ((flags & INVALID_UTF8) !== 0) this.#note(SseNoteCode.invalidUtf8, INVALID_MESSAGE);
          if ((flags & TRUNCATED) !== 0)
            this.#note(SseNoteCode.eventTooLarge, this.#tooLargeMessage());
        }
        if (
          c0 === 0x64 && // data:
          s.charCodeAt(start + 1) === 0x61 &&
          s.charCodeAt(start + 2) === 0x74 &&
          s.charCodeAt(start + 3) === 0x61 &&
          s.charCodeAt(start + 4) === COLON
        ) {
          const from = s.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
          const value = s.slice(from, end);
          let extra = 0;
          if (endAbs === LAZY) {
            const before = this.#extra(from);
            extra = this.#extra(end) - before;
          } else if (!ascii) {
            extra = utf8Length(value) - value.length;
          }
          this.#appendData(value, extra);
        } else if (
          c0 === 0x65 && // event:
          s.charCodeAt(start + 1) === 0x76 &&
          s.charCodeAt(start + 2) === 0x65 &&
          s.charCodeAt(start + 3) === 0x6e &&
          s.charCodeAt(start + 4) === 0x74 &&
          s.charCodeAt(start + 5) === COLON &&
          flags === PLAIN
        ) {
          this.#type = s.slice(s.charCodeAt(start + 6) === SPACE ? start + 7 : start + 6, end);
          this.#rare = true;
        } else {
          this.#field(s.slice(start, end), ascii, flags);
        }
      }
    }
    if (endAbs !== LAZY) this.#lineStart = endAbs;
  }

  #mapRuns(s: string): void {
    const ends: number[] = [];
    const extras: number[] = [];
    let extra = 0;
    NON_ASCII_RUN.lastIndex = 0;
    for (let m = NON_ASCII_RUN.exec(s); m !== null; m = NON_ASCII_RUN.exec(s)) {
      extra += utf8Extra(m[0]);
      ends.push(m.index + m[0].length);
      extras.push(extra);
    }
    this.#runEnds = ends;
    this.#runExtras = extras;
    this.#run = 0;
  }

  /**
   * Extra UTF-8 bytes of the current lazy region's text before index `i`. Callers ask for
   * non-decreasing `i` that never fall inside a run (they sit next to ASCII syntax).
   */
  #extra(i: number): number {
    const ends = this.#runEnds;
    let run = this.#run;
    while (run < ends.length && (ends[run] ?? 0) <= i) run++;
    this.#run = run;
    return run === 0 ? 0 : (this.#runExtras[run - 1] ?? 0);
  }

  /** Stream offset of text index `i` of the current lazy region. */
  #abs(i: number): number {
    return this.#mapBase + i + this.#extra(i);
  }

  #field(line: string, ascii: boolean, flags: number): void {
    const colon = line.indexOf(':');
    let name = line;
    let value = '';
    if (colon !== -1) {
      name = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    // Names compare literally, no case folding.
    if (name === 'data') {
      this.#appendData(value, ascii ? 0 : utf8Length(value) - value.length);
      return;
    }
    this.#rare = true;
    // A cut value would be wrong rather than long: over-long lines count for data only.
    if ((flags & TRUNCATED) !== 0) return;
    switch (name) {
      case 'event':
        this.#type = value;
        break;
      case 'id':
        if (value.includes('\0')) {
          this.#note(SseNoteCode.idIgnored, 'An id field containing U+0000 NULL was ignored');
        } else {
          this.#idBuffer = value;
          this.#id = value;
        }
        break;
      case 'retry':
        if (ASCII_DIGITS.test(value)) {
          const retry = Number(value);
          this.#retry = retry;
          this.#emit({ kind: 'retry', retry });
        } else {
          this.#note(
            SseNoteCode.retryIgnored,
            `A retry field that is not all ASCII digits was ignored: "${clip(value)}"`,
          );
        }
        break;
      default:
        this.#note(SseNoteCode.unknownField, `Unknown field "${clip(name)}" was ignored`);
    }
  }

  #appendData(value: string, extra: number): void {
    const data = this.#data;
    if (!this.#dataCapped && data.length + value.length < this.#max) {
      this.#data = this.#dataLines === 0 ? value : `${data}\n${value}`;
      if (extra !== 0) {
        this.#dataExtra += extra;
        this.#rare = true;
      }
    } else {
      // Once capped, later lines are dropped too, so the kept data is a true prefix.
      this.#dataCapped = true;
      this.#rare = true;
      this.#note(SseNoteCode.eventTooLarge, this.#tooLargeMessage());
    }
    this.#dataLines++;
  }

  #comment(
    s: string,
    start: number,
    end: number,
    next: number,
    endAbs: number,
    ascii: boolean,
    flags: number,
  ): void {
    // Lazy: #lineStart still holds the region's start, which owns a leading BOM's bytes.
    const startAbs = endAbs === LAZY && start !== 0 ? this.#abs(start) : this.#lineStart;
    const from = s.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1;
    const text = s.slice(from, end);
    let payloadSize = text.length;
    if (endAbs === LAZY) {
      const before = this.#extra(from);
      payloadSize += this.#extra(end) - before;
    } else if (!ascii) {
      payloadSize = utf8Length(text);
    }
    const out: SseOutput = {
      kind: 'comment',
      payload: text,
      payloadSize,
      wireSize: endAbs === LAZY ? this.#abs(next) - startAbs : endAbs - this.#lineStart,
    };
    if (flags !== PLAIN) {
      out.notes = [];
      if ((flags & INVALID_UTF8) !== 0)
        out.notes.push({ code: SseNoteCode.invalidUtf8, message: INVALID_MESSAGE });
      if ((flags & TRUNCATED) !== 0)
        out.notes.push({ code: SseNoteCode.eventTooLarge, message: this.#tooLargeMessage() });
    }
    if (this.#keepRaw) out.raw = s.slice(start, next);
    this.#emit(out);
  }

  /** A blank line: the spec's "dispatch the event". */
  #dispatch(s: string, next: number, lineEndAbs: number): void {
    const endAbs = lineEndAbs === LAZY ? this.#abs(next) : lineEndAbs;
    this.#lastEventId = this.#idBuffer;
    let out: SseOutput | undefined;
    if (this.#dataLines !== 0) {
      const data = this.#data;
      out = {
        kind: 'event',
        payload: data,
        payloadSize: data.length + this.#dataExtra,
        wireSize: endAbs - this.#blockStart,
        sse: this.#detail(),
      };
      if (this.#notes !== undefined) out.notes = this.#notes;
      if (this.#keepRaw) out.raw = this.#rawWith(s.slice(this.#rawFrom, next));
    }
    this.#resetBlock(endAbs);
    this.#rawFrom = next;
    if (out !== undefined) this.#emit(out);
  }

  /**
   * The block's SseDetail. Events without their own id or retry share one frozen detail while
   * type and last event ID stay the same: less to allocate, and less memory per stored entry.
   */
  #detail(): SseDetail {
    const event = this.#type === '' ? 'message' : this.#type;
    const lastEventId = this.#lastEventId;
    if (this.#id === undefined && this.#retry === undefined) {
      const shared = this.#sharedDetail;
      if (shared !== undefined && shared.event === event && shared.lastEventId === lastEventId) {
        return shared;
      }
      return (this.#sharedDetail = Object.freeze({ event, lastEventId }));
    }
    const sse: SseDetail = { event, lastEventId };
    if (this.#id !== undefined) sse.id = this.#id;
    if (this.#retry !== undefined) sse.retry = this.#retry;
    return sse;
  }

  #resetBlock(blockStart: number): void {
    this.#blockStart = blockStart;
    this.#lineStart = blockStart;
    this.#data = '';
    this.#dataLines = 0;
    this.#fields = false;
    if (this.#rare) {
      // Only blocks that used more than data lines pay for resetting the rest.
      this.#rare = false;
      this.#dataCapped = false;
      this.#type = '';
      this.#id = undefined;
      this.#retry = undefined;
      this.#notes = undefined;
      this.#dataExtra = 0;
      this.#raw = '';
    }
  }

  #emitIncomplete(partial: Uint8Array | undefined, streamEnd: number): void {
    const data = this.#data;
    const sse = this.#detail();
    const notes: DecoderNote[] = [
      {
        code: SseNoteCode.unterminatedEvent,
        message: 'The stream ended before the blank line that would dispatch this event',
      },
      ...(this.#notes ?? []),
    ];
    const out: SseIncompleteOutput = {
      kind: 'incomplete',
      payload: data,
      payloadSize: data.length + this.#dataExtra,
      wireSize: streamEnd - this.#blockStart,
      sse,
      notes,
    };
    let partialText = '';
    if (partial !== undefined) {
      let bytes = partial;
      if (this.#atStart) {
        this.#atStart = false;
        if (startsWithBom(bytes)) bytes = bytes.subarray(3);
      }
      partialText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      out.partialLine = partialText;
    }
    if (this.#keepRaw) out.raw = this.#rawWith(partialText);
    this.#resetBlock(streamEnd);
    this.#emit(out);
  }

  /**
   * keepRaw: the block's text so far plus `piece`, cut at twice the limit. Always a prefix of the
   * same full text, so the cut does not depend on how the bytes were split.
   */
  #rawWith(piece: string): string {
    const cap = 2 * this.#max;
    const raw = this.#raw;
    if (raw.length >= cap) return raw;
    const joined = raw + piece;
    return joined.length > cap ? joined.slice(0, cap) : joined;
  }

  #appendRaw(piece: string): void {
    this.#raw = this.#rawWith(piece);
    this.#rare = true;
  }

  /** Adds a note to the current block, once per code. */
  #note(code: string, message: string): void {
    this.#rare = true;
    const notes = (this.#notes ??= []);
    if (!notes.some((n) => n.code === code)) notes.push({ code, message });
  }

  #tooLargeMessage(): string {
    return `A line or the data of an event exceeded ${this.#max} bytes; the excess was dropped`;
  }
}

const INVALID_MESSAGE = 'Bytes that are not valid UTF-8 were decoded as U+FFFD';

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
