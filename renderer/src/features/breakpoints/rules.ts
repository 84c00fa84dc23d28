/** Editing breakpoint and handshake rules as form text, and back (pure, tested). */
import { parseFilter } from '../../../../shared/filter/index.ts';
import type { HeaderList } from '../../../../shared/model/connection.ts';
import type { HandshakeRule, PausedMessage, SentMessage } from '../../../../shared/model/replay.ts';

/** The parser's message for a rule's filter, or null when it parses ('' matches everything). */
export function filterProblem(text: string): string | null {
  if (text.trim() === '') return null;
  const parsed = parseFilter(text);
  return parsed.ok ? null : parsed.error.message;
}

/** `Name: value` per line → header list; lines without a colon are reported. */
export function parseHeaderLines(text: string): { headers: HeaderList; bad: string[] } {
  const headers: HeaderList = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (name === '' || /\s/.test(name)) bad.push(line);
    else headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { headers, bad };
}

export function headerLines(headers: HeaderList | undefined): string {
  return (headers ?? []).map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** A handshake rule as the form edits it. */
export interface HandshakeDraft {
  id: string;
  url: string;
  set: string;
  add: string;
  remove: string;
  enabled: boolean;
}

export function draftOf(rule: HandshakeRule): HandshakeDraft {
  return {
    id: rule.id,
    url: rule.url ?? '',
    set: headerLines(rule.set),
    add: headerLines(rule.add),
    remove: (rule.remove ?? []).join(', '),
    enabled: rule.enabled !== false,
  };
}

/** The rule the core takes, or the lines that are not headers. */
export function ruleOf(draft: HandshakeDraft): HandshakeRule | string {
  const set = parseHeaderLines(draft.set);
  const add = parseHeaderLines(draft.add);
  const bad = [...set.bad, ...add.bad];
  if (bad.length > 0) return `Not a “Name: value” header: ${bad[0] ?? ''}`;
  const rule: HandshakeRule = { id: draft.id, enabled: draft.enabled };
  if (draft.url.trim() !== '') rule.url = draft.url.trim();
  if (set.headers.length > 0) rule.set = set.headers;
  if (add.headers.length > 0) rule.add = add.headers;
  const remove = draft.remove
    .split(/[,\s]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (remove.length > 0) rule.remove = remove;
  return rule;
}

/** A paused message as the edit box shows it: text as is, bytes as base64. */
export function pausedBody(message: PausedMessage): string {
  return message.payload;
}

/** The edited message to forward; null when the body is unchanged (forward as it was). */
export function editedPaused(message: PausedMessage, body: string): SentMessage | null {
  if (body === message.payload) return null;
  if (message.kind === 'event') return { kind: 'event', data: body };
  if (message.payloadEncoding === 'base64' || message.kind === 'binary')
    return { kind: 'binary', base64: body.replace(/\s+/g, '') };
  return { kind: 'text', text: body };
}

let counter = 0;
/** Rule ids only need to be unique within the list. */
export function newRuleId(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
