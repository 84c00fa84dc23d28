/** `/source/flags` literals, checked by compiling them with the JavaScript RegExp engine. */
import { isWordEnd, type Scanner } from './scanner.ts';

const VALID_FLAGS = 'dgimsuvy';

export interface RegexLiteral {
  source: string;
  flags: string;
}

/** Reads the literal whose opening `/` is at the cursor; the literal must end a word. */
export function readRegex(s: Scanner): RegexLiteral {
  const start = s.pos;
  s.pos++;
  let inClass = false;
  for (;;) {
    const c = s.peek();
    if (c === undefined) s.fail('unterminated regex: add a closing /', start, s.pos);
    if (c === '\\') {
      s.pos += 2;
      if (s.pos > s.text.length)
        s.fail('unterminated regex: it ends with a backslash', start, s.text.length);
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    s.pos++;
  }
  const source = s.text.slice(start + 1, s.pos);
  s.pos++;
  const flagsStart = s.pos;
  while (/^[a-zA-Z]$/.test(s.peek() ?? '')) s.pos++;
  const flags = s.text.slice(flagsStart, s.pos);
  if (!isWordEnd(s.peek())) {
    s.fail('unexpected character after a regex: add a space', s.pos, s.pos + 1);
  }
  if (source === '') s.fail('empty regex', start, s.pos);
  checkFlags(s, flags, flagsStart);
  try {
    new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    s.fail(`invalid regex: ${reason}`, start, s.pos);
  }
  return { source, flags };
}

function checkFlags(s: Scanner, flags: string, flagsStart: number): void {
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] ?? '';
    const at = flagsStart + i;
    if (!VALID_FLAGS.includes(flag)) {
      s.fail(`unknown regex flag "${flag}" (valid: ${VALID_FLAGS})`, at, at + 1);
    }
    if (flags.indexOf(flag) !== i) s.fail(`regex flag "${flag}" repeated`, at, at + 1);
  }
  if (flags.includes('u') && flags.includes('v')) {
    const at = flagsStart + Math.max(flags.indexOf('u'), flags.indexOf('v'));
    s.fail('regex flags u and v cannot be used together', at, at + 1);
  }
}

export function formatRegex(literal: RegexLiteral): string {
  return `/${literal.source}/${literal.flags}`;
}
