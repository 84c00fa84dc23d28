/**
 * Recursive descent over the tokens:
 *
 *   filter  = [ or ] ;
 *   or      = and { "OR" and } ;
 *   and     = unary { [ "AND" ] unary } ;
 *   unary   = ( "NOT" | "-" ) unary | "(" or ")" | term ;
 *
 * Never throws: every problem comes back as `{ ok: false, error: { message, start, end } }`.
 */
import type { FilterAst, FilterNode, ParseResult } from './ast.ts';
import { nextToken, type Token } from './lexer.ts';
import { FilterSyntaxError, Scanner } from './scanner.ts';

/** Deeper nesting than this is refused rather than risking the call stack. */
export const MAX_FILTER_DEPTH = 200;

export function parseFilter(text: string): ParseResult {
  try {
    return { ok: true, filter: new Parser(text).parse() };
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      // Spans never reach past the text, and a problem at its very end underlines the last
      // character, so the UI always has something to show.
      let start = Math.min(error.start, text.length);
      const end = Math.min(Math.max(error.end, start), text.length);
      if (start === end && end === text.length && start > 0) start--;
      return { ok: false, error: { message: error.message, start, end } };
    }
    // Not expected; reported over the whole text rather than thrown at the caller.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: { message: `cannot read this filter: ${reason}`, start: 0, end: text.length },
    };
  }
}

class Parser {
  readonly #s: Scanner;
  #next: Token | undefined;
  #depth = 0;

  constructor(text: string) {
    this.#s = new Scanner(text);
  }

  parse(): FilterAst {
    if (this.#peek().type === 'end') return { type: 'all' };
    const node = this.#or();
    const t = this.#peek();
    if (t.type === 'rparen') this.#s.fail('unmatched ")"', t.start, t.end);
    if (t.type !== 'end') this.#s.fail('unexpected text', t.start, t.end);
    return node;
  }

  #peek(): Token {
    this.#next ??= nextToken(this.#s);
    return this.#next;
  }

  #take(): Token {
    const t = this.#peek();
    this.#next = undefined;
    return t;
  }

  #startsUnary(t: Token): boolean {
    return (
      t.type === 'term' ||
      t.type === 'lparen' ||
      t.type === 'minus' ||
      (t.type === 'keyword' && t.word === 'NOT')
    );
  }

  /** After an operator: the next token must start a term, else the operator is dangling. */
  #expectOperand(op: Token, name: string): void {
    if (!this.#startsUnary(this.#peek())) {
      this.#s.fail(`${name} needs a term after it`, op.start, op.end);
    }
  }

  #or(): FilterNode {
    const children = [this.#and()];
    for (let t = this.#peek(); t.type === 'keyword' && t.word === 'OR'; t = this.#peek()) {
      this.#take();
      this.#expectOperand(t, 'OR');
      children.push(this.#and());
    }
    return children.length === 1 && children[0] !== undefined
      ? children[0]
      : { type: 'or', children };
  }

  #and(): FilterNode {
    const children = [this.#unary()];
    for (;;) {
      const t = this.#peek();
      if (t.type === 'keyword' && t.word === 'AND') {
        this.#take();
        this.#expectOperand(t, 'AND');
      } else if (!this.#startsUnary(t)) {
        break;
      }
      children.push(this.#unary());
    }
    return children.length === 1 && children[0] !== undefined
      ? children[0]
      : { type: 'and', children };
  }

  #unary(): FilterNode {
    const t = this.#take();
    if (++this.#depth > MAX_FILTER_DEPTH) {
      this.#s.fail(`filter nested more than ${MAX_FILTER_DEPTH} deep`, t.start, t.end);
    }
    try {
      return this.#unaryAfter(t);
    } finally {
      this.#depth--;
    }
  }

  #unaryAfter(t: Token): FilterNode {
    switch (t.type) {
      case 'term':
        return t.term;
      case 'minus':
        this.#expectOperand(t, '"-"');
        return { type: 'not', child: this.#unary() };
      case 'lparen': {
        const inner = this.#peek();
        if (inner.type === 'rparen') this.#s.fail('empty parentheses', t.start, inner.end);
        if (inner.type === 'end') this.#s.fail('missing ")" for this "("', t.start, t.end);
        const node = this.#or();
        const close = this.#take();
        if (close.type !== 'rparen') this.#s.fail('missing ")" for this "("', t.start, t.end);
        return node;
      }
      case 'keyword':
        if (t.word === 'NOT') {
          this.#expectOperand(t, 'NOT');
          return { type: 'not', child: this.#unary() };
        }
        return this.#s.fail(`${t.word} needs a term before it`, t.start, t.end);
      case 'rparen':
        return this.#s.fail('unmatched ")"', t.start, t.end);
      case 'end':
        return this.#s.fail('expected a term', t.start, t.end);
    }
  }
}
