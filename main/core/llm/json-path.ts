/**
 * The small JSON path language of generic mode: `$.choices[0].text`, `choices.0.text`,
 * `data.token` (a leading `$` or `$.` is optional). Enough to point at one string in an event.
 */
export type JsonPath = readonly (string | number)[];

/** Parses a path; undefined when it is empty or malformed (`a..b`, `a[x]`). */
export function parseJsonPath(text: string): JsonPath | undefined {
  let rest = text.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  if (rest.startsWith('.')) rest = rest.slice(1);
  if (rest === '') return undefined;
  const out: (string | number)[] = [];
  const segment = /^(?:(\.)?([^.[\]]+)|\[(\d+)\])/;
  let i = 0;
  while (i < rest.length) {
    const match = segment.exec(rest.slice(i));
    if (match === null) return undefined;
    const name = match[2];
    if (name !== undefined) {
      if (i > 0 && match[1] === undefined) return undefined;
      out.push(/^\d+$/.test(name) ? Number(name) : name);
    } else {
      out.push(Number(match[3]));
    }
    i += match[0].length;
  }
  return out;
}

export function formatJsonPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function getAtPath(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Field names homegrown token streams use for the text, most telling first. */
const TEXT_FIELDS = [
  'token',
  'delta',
  'text',
  'content',
  'completion',
  'response',
  'chunk',
  'output',
  'message',
];

/**
 * Finds the text field of a token event: a string under one of the usual names, at the top
 * level or one or two objects down (`{"data":{"token":"…"}}`, `{"delta":{"text":"…"}}`).
 */
export function guessTextPath(value: unknown): JsonPath | undefined {
  return search(value, [], 0);
}

function search(value: unknown, prefix: (string | number)[], depth: number): JsonPath | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  for (const name of TEXT_FIELDS) {
    if (typeof record[name] === 'string') return [...prefix, name];
  }
  if (depth >= 2) return undefined;
  for (const [key, child] of Object.entries(record)) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      const found = search(child, [...prefix, key], depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
