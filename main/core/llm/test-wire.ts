/**
 * Test support: a loopback HTTP server that streams SSE exactly as given, paced, each event split
 * across TCP writes (so readers meet events cut mid-line), and the wire formats of the three APIs
 * as their documentation shows them.
 */
import http from 'node:http';
import { listenLoopback } from '../testing/loopback.ts';

export interface WireEvent {
  /** SSE `event:` name, if any. */
  event?: string;
  id?: string;
  /** Object → JSON on one `data:` line; string as is. */
  data: unknown;
}

export function sseBlock(e: WireEvent): string {
  const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
  return `${e.event === undefined ? '' : `event: ${e.event}\n`}${e.id === undefined ? '' : `id: ${e.id}\n`}data: ${data}\n\n`;
}

export interface StreamPlan {
  status?: number;
  headers?: Record<string, string>;
  /** Raw blocks to send (use sseBlock), in order; bytes for what is not UTF-8. */
  blocks: (string | Buffer)[];
  /** Default headers to leave out (e.g. `Cache-Control`). */
  omitHeaders?: string[];
  /** Delay between blocks (ms); a function for uneven pacing. Default 3. */
  gapMs?: number | ((i: number) => number);
  /** After this many blocks, destroy the socket (an abort mid-stream). */
  abortAfter?: number;
  /** Keep the response open at the end instead of ending it. */
  keepOpen?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * `plan` picks what to stream for each request (by its order and content). Returns the server's
 * origin and what it was asked.
 */
export async function streamingServer(
  plan: (request: RecordedRequest, index: number) => StreamPlan,
): Promise<{ origin: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void send(res, plan(recorded, requests.length - 1));
    });
  });
  const listening = await listenLoopback(server);
  return {
    origin: `http://127.0.0.1:${listening.port}`,
    requests,
    close: () => listening.close(),
  };
}

async function send(res: http.ServerResponse, plan: StreamPlan): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    ...plan.headers,
  };
  for (const name of plan.omitHeaders ?? []) Reflect.deleteProperty(headers, name);
  res.writeHead(plan.status ?? 200, headers);
  res.flushHeaders();
  // A function, so each check reads the socket's state after the await.
  const gone = (): boolean => res.destroyed;
  for (let i = 0; i < plan.blocks.length; i++) {
    if (plan.abortAfter === i) {
      res.socket?.destroy();
      return;
    }
    const block = Buffer.from(plan.blocks[i] ?? '');
    // Split inside the block: readers must join events cut across TCP reads.
    const cut = Math.max(1, Math.floor(block.length / 3));
    res.write(block.subarray(0, cut));
    await sleep(1);
    if (gone()) return;
    res.write(block.subarray(cut));
    const gap = typeof plan.gapMs === 'function' ? plan.gapMs(i) : (plan.gapMs ?? 3);
    await sleep(gap);
    if (gone()) return;
  }
  if (plan.abortAfter !== undefined && plan.abortAfter >= plan.blocks.length) {
    res.socket?.destroy();
    return;
  }
  if (!plan.keepOpen) res.end();
}

// ── the APIs' wire formats ───────────────────────────────────────────────────

const created = 1_732_000_000;

function chatChunk(delta: unknown, finish: string | null = null): unknown {
  return {
    id: 'chatcmpl-tt1',
    object: 'chat.completion.chunk',
    created,
    model: 'gpt-4o-2024-08-06',
    system_fingerprint: 'fp_tt',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

/** Chat Completions: text, then two parallel tool calls whose arguments interleave, usage, DONE. */
export function openAiChatBlocks(): string[] {
  const events: unknown[] = [
    chatChunk({ role: 'assistant', content: '', refusal: null }),
    chatChunk({ content: 'Let me ' }),
    chatChunk({ content: 'check the ' }),
    chatChunk({ content: 'weather — and the time.' }),
    chatChunk({
      tool_calls: [
        {
          index: 0,
          id: 'call_w',
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ],
    }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: '{"loc' } }] }),
    chatChunk({
      tool_calls: [
        { index: 1, id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '' } },
      ],
    }),
    chatChunk({ tool_calls: [{ index: 1, function: { arguments: '{"tz": ' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: 'ation": "Par' } }] }),
    chatChunk({ tool_calls: [{ index: 1, function: { arguments: '"CET"}' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }),
    chatChunk({}, 'tool_calls'),
    {
      id: 'chatcmpl-tt1',
      object: 'chat.completion.chunk',
      created,
      model: 'gpt-4o-2024-08-06',
      system_fingerprint: 'fp_tt',
      choices: [],
      usage: { prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 },
    },
  ];
  return [...events.map((data) => sseBlock({ data })), sseBlock({ data: '[DONE]' })];
}

/** Anthropic Messages: thinking (with signature), text, a tool_use with partial JSON, ping. */
export function anthropicBlocks(options: { errorAfterText?: boolean } = {}): string[] {
  const ev = (event: string, data: Record<string, unknown>) =>
    sseBlock({ event, data: { type: event, ...data } });
  const blocks = [
    ev('message_start', {
      message: {
        id: 'msg_tt1',
        type: 'message',
        role: 'assistant',
        model: 'claude-test-1',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 31, output_tokens: 1 },
      },
    }),
    ev('content_block_start', {
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    }),
    ev('content_block_delta', {
      index: 0,
      delta: { type: 'thinking_delta', thinking: 'The user wants ' },
    }),
    ev('content_block_delta', {
      index: 0,
      delta: { type: 'thinking_delta', thinking: 'the weather.' },
    }),
    ev('content_block_delta', {
      index: 0,
      delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
    }),
    ev('content_block_stop', { index: 0 }),
    ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
    ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Checking ' } }),
    ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Paris now.' } }),
  ];
  if (options.errorAfterText === true) {
    blocks.push(ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }));
    return blocks;
  }
  blocks.push(
    ev('content_block_stop', { index: 1 }),
    ev('content_block_start', {
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_tt', name: 'get_weather', input: {} },
    }),
    ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '' } }),
    ev('content_block_delta', {
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '{"location": ' },
    }),
    ev('content_block_delta', {
      index: 2,
      delta: { type: 'input_json_delta', partial_json: '"Paris", "unit": "c"}' },
    }),
    ev('content_block_stop', { index: 2 }),
    ev('message_delta', {
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 57 },
    }),
    ev('message_stop', {}),
  );
  return blocks;
}

/** Responses API: a message with text, then a function call with argument deltas, completed. */
export function openAiResponsesBlocks(): string[] {
  let sequence = 0;
  const ev = (type: string, data: Record<string, unknown>) =>
    sseBlock({ event: type, data: { type, sequence_number: sequence++, ...data } });
  const base = {
    id: 'resp_tt1',
    object: 'response',
    created_at: created,
    model: 'gpt-4.1-2025-04-14',
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    temperature: 1,
    top_p: 1,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
  };
  const message = {
    id: 'msg_r1',
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'Looking it up.', annotations: [] }],
  };
  const call = {
    id: 'fc_r1',
    type: 'function_call',
    status: 'completed',
    call_id: 'call_r1',
    name: 'get_weather',
    arguments: '{"location":"Paris"}',
  };
  return [
    ev('response.created', {
      response: { ...base, status: 'in_progress', output: [], usage: null },
    }),
    ev('response.in_progress', {
      response: { ...base, status: 'in_progress', output: [], usage: null },
    }),
    ev('response.output_item.added', {
      output_index: 0,
      item: { ...message, status: 'in_progress', content: [] },
    }),
    ev('response.content_part.added', {
      item_id: 'msg_r1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    }),
    ev('response.output_text.delta', {
      item_id: 'msg_r1',
      output_index: 0,
      content_index: 0,
      delta: 'Looking ',
    }),
    ev('response.output_text.delta', {
      item_id: 'msg_r1',
      output_index: 0,
      content_index: 0,
      delta: 'it up.',
    }),
    ev('response.output_text.done', {
      item_id: 'msg_r1',
      output_index: 0,
      content_index: 0,
      text: 'Looking it up.',
    }),
    ev('response.content_part.done', {
      item_id: 'msg_r1',
      output_index: 0,
      content_index: 0,
      part: message.content[0],
    }),
    ev('response.output_item.done', { output_index: 0, item: message }),
    ev('response.output_item.added', {
      output_index: 1,
      item: { ...call, status: 'in_progress', arguments: '' },
    }),
    ev('response.function_call_arguments.delta', {
      item_id: 'fc_r1',
      output_index: 1,
      delta: '{"location"',
    }),
    ev('response.function_call_arguments.delta', {
      item_id: 'fc_r1',
      output_index: 1,
      delta: ':"Paris"}',
    }),
    ev('response.function_call_arguments.done', {
      item_id: 'fc_r1',
      output_index: 1,
      arguments: call.arguments,
    }),
    ev('response.output_item.done', { output_index: 1, item: call }),
    ev('response.completed', {
      response: {
        ...base,
        status: 'completed',
        output: [message, call],
        usage: {
          input_tokens: 25,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 12,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 37,
        },
      },
    }),
  ];
}
