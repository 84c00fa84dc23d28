/**
 * The request side of an LLM call, from its POST body, kept compact: roles and clipped texts,
 * tool names, scalar parameters. Works for Chat Completions, Responses and Messages bodies.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import { asRecord, str } from './answer.ts';
import type { LlmRequestSummary } from './types.ts';

/** Longest text kept per message or system prompt. */
export const clipChars = 500;

/** Fields shown elsewhere in the summary, not as parameters. */
const STRUCTURAL = new Set([
  'model',
  'stream',
  'messages',
  'input',
  'tools',
  'system',
  'instructions',
]);

export function summarizeRequest(connection: Connection): LlmRequestSummary | undefined {
  const text = connection.requestBody;
  if (text === undefined) return undefined;
  let body: Record<string, unknown> | undefined;
  try {
    body = asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (body === undefined) return undefined;
  const summary: LlmRequestSummary = { messages: [], tools: [], parameters: {} };
  const model = str(body.model);
  if (model !== undefined) summary.model = model;
  if (typeof body.stream === 'boolean') summary.stream = body.stream;
  const system = textOf(body.system) ?? str(body.instructions);
  if (system !== undefined) summary.system = clip(system);
  const messages = Array.isArray(body.messages)
    ? body.messages
    : Array.isArray(body.input)
      ? body.input
      : typeof body.input === 'string'
        ? [{ role: 'user', content: body.input }]
        : [];
  for (const raw of messages as unknown[]) {
    const message = asRecord(raw);
    if (message === undefined) continue;
    const role = str(message.role) ?? str(message.type) ?? 'message';
    const content = textOf(message.content) ?? str(message.output) ?? str(message.arguments) ?? '';
    summary.messages.push({ role, text: clip(content) });
  }
  if (Array.isArray(body.tools)) {
    for (const raw of body.tools as unknown[]) {
      const tool = asRecord(raw);
      const name = str(asRecord(tool?.function)?.name) ?? str(tool?.name) ?? str(tool?.type);
      if (name !== undefined) summary.tools.push(name);
    }
  }
  for (const [key, value] of Object.entries(body)) {
    if (STRUCTURAL.has(key)) continue;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      summary.parameters[key] = typeof value === 'string' ? clip(value) : value;
    }
  }
  return summary;
}

/** A message's content: a string, or the text parts of a content array. */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const raw of content as unknown[]) {
    const part = asRecord(raw);
    if (part === undefined) continue;
    const text = str(part.text);
    if (text !== undefined) parts.push(text);
    else if (typeof part.type === 'string') parts.push(`[${part.type}]`);
  }
  return parts.join('\n');
}

function clip(text: string): string {
  return text.length <= clipChars ? text : `${text.slice(0, clipChars)}…`;
}
