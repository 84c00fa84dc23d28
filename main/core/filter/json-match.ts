/** How `json:` tests compare the values a path selects (see docs/filter-language.md). */
import type { JsonTest } from '../../../shared/filter/ast.ts';

const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** The text a value is compared as: strings as they are, everything else as compact JSON. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Loose equality with the filter's text: strings exactly, numbers numerically, the rest as JSON. */
export function jsonEquals(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value === text;
  if (typeof value === 'number') return NUMBER.test(text) && Number(text) === value;
  return textOf(value) === text;
}

/** Builds the per-value test once, so a query does not redo `toLowerCase` on the needle. */
export function jsonValueTest(test: JsonTest): (value: unknown) => boolean {
  switch (test.op) {
    case 'exists':
      return () => true;
    case '=': {
      const text = test.value;
      return (v) => jsonEquals(v, text);
    }
    case '!=': {
      const text = test.value;
      return (v) => !jsonEquals(v, text);
    }
    case '~': {
      const needle = test.value.toLowerCase();
      return (v) => textOf(v).toLowerCase().includes(needle);
    }
    case '<': {
      const n = test.value;
      return (v) => typeof v === 'number' && v < n;
    }
    case '<=': {
      const n = test.value;
      return (v) => typeof v === 'number' && v <= n;
    }
    case '>': {
      const n = test.value;
      return (v) => typeof v === 'number' && v > n;
    }
    case '>=': {
      const n = test.value;
      return (v) => typeof v === 'number' && v >= n;
    }
  }
}
