/**
 * Where a JSON text stops being valid. V8's JSON.parse message quotes a snippet but no longer
 * gives a position, and a user opening a hand-edited or truncated HAR needs the line. Run only
 * after JSON.parse has failed: a small scanner that follows RFC 8259 and reports the first bad
 * offset.
 */
export interface JsonErrorLocation {
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 units. */
  column: number;
  problem: string;
}

class Stop extends Error {
  readonly offset: number;
  readonly problem: string;
  constructor(offset: number, problem: string) {
    super(problem);
    this.offset = offset;
    this.problem = problem;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** Undefined when the text is valid JSON (or nesting is too deep to scan). */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };
  const expect = (ch: string, what: string): void => {
    if (text[i] !== ch) throw new Stop(i, `expected ${what}`);
    i++;
  };
  const string = (): void => {
    expect('"', 'a string');
    for (;;) {
      STRING_RUN.lastIndex = i;
      STRING_RUN.test(text);
      i = STRING_RUN.lastIndex;
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === undefined) throw new Stop(i, 'unterminated string');
      if (c === '\\') {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) throw new Stop(i, 'bad escape in string');
        i = ESCAPE.lastIndex;
      } else throw new Stop(i, 'control character in string');
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        expect(':', '":"');
        value();
        ws();
        if (text[i] === ',') i++;
        else {
          expect('}', '"," or "}"');
          return;
        }
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else {
          expect(']', '"," or "]"');
          return;
        }
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    throw new Stop(i, c === undefined ? 'unexpected end of file' : 'expected a value');
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    ws();
    if (i < text.length) throw new Stop(i, 'unexpected text after the JSON value');
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) return undefined;
    const problem =
      error.offset >= text.length ? 'unexpected end of file: it was cut short' : error.problem;
    return { ...lineAndColumn(text, error.offset), offset: error.offset, problem };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
