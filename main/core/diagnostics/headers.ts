import type { HeaderList } from '../../../shared/model/connection.ts';

export function header(list: HeaderList | undefined, name: string): [string, string] | undefined {
  if (list === undefined) return undefined;
  for (const pair of list) if (pair[0].toLowerCase() === name) return pair;
  return undefined;
}

export function headerValue(list: HeaderList | undefined, name: string): string | undefined {
  return header(list, name)?.[1];
}

/** The named headers that are present, as evidence. */
export function pick(list: HeaderList | undefined, ...names: string[]): HeaderList {
  const out: HeaderList = [];
  for (const name of names) {
    const found = header(list, name);
    if (found) out.push([found[0], found[1]]);
  }
  return out;
}

export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}
