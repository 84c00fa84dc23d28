/**
 * A cursor over the filter text and the one error type the parser's pieces raise. The error is
 * internal: `parseFilter` catches it and returns it as data, so callers never see a throw.
 */

export class FilterSyntaxError extends Error {
  readonly start: number;
  readonly end: number;

  constructor(message: string, start: number, end: number) {
    super(message);
    this.name = 'FilterSyntaxError';
    this.start = start;
    this.end = end;
  }
}

const SPACE = /\s/;

/** The one definition of white space, shared by the scanner and the stringifier. */
export function isSpace(c: string): boolean {
  return SPACE.test(c);
}

/** True where a bare word or value stops: end of text, white space or a parenthesis. */
export function isWordEnd(c: string | undefined): boolean {
  return c === undefined || c === '(' || c === ')' || isSpace(c);
}

export class Scanner {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The character `offset` places ahead (undefined past the end). */
  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text[this.pos] ?? '')) this.pos++;
  }

  fail(message: string, start: number, end: number = start): never {
    throw new FilterSyntaxError(message, start, end);
  }
}
