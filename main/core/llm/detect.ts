/**
 * Is this an LLM stream, and which wire format? First by the request (the API paths, a
 * `"stream": true` body), then by the events themselves.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import { asRecord, str } from './answer.ts';
import type { LlmEvent } from './flavors/event.ts';
import type { LlmFlavor } from './types.ts';

/** The flavor the request's path names, if any. */
export function flavorFromRequest(connection: Connection): LlmFlavor | undefined {
  const path = pathOf(connection.url);
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  if (/\/v1\/responses\/?$/.test(path) || path.endsWith('/openai/responses')) {
    return 'openai-responses';
  }
  if (/\/v1\/messages\/?$/.test(path)) return 'anthropic-messages';
  return undefined;
}

/** The request body asks for a stream (`"stream": true`): an LLM call whose format is unknown. */
export function requestAsksForStream(connection: Connection): boolean {
  const body = connection.requestBody;
  if (body === undefined || !body.includes('"stream"')) return false;
  try {
    return asRecord(JSON.parse(body))?.stream === true;
  } catch {
    return false;
  }
}

/** Field names that mark a homegrown token stream even without a `"stream": true` request. */
const TOKEN_FIELDS = ['token', 'delta', 'completion'];

/**
 * The flavor one event reveals. `looseGeneric`: accept any JSON event with a text-like field as
 * generic (the request already said it streams); otherwise only telling names count.
 */
export function flavorFromEvent(event: LlmEvent, looseGeneric: boolean): LlmFlavor | undefined {
  const body = asRecord(event.json);
  const type = str(body?.type) ?? event.name;
  if (type === 'message_start' || type === 'content_block_delta') return 'anthropic-messages';
  if (body?.object === 'chat.completion.chunk') return 'openai-chat';
  if (type.startsWith('response.')) return 'openai-responses';
  if (body === undefined) return undefined;
  if (looseGeneric) return 'generic';
  for (const name of TOKEN_FIELDS) {
    if (typeof body[name] === 'string') return 'generic';
  }
  return undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
