/**
 * The real SDKs against a loopback server speaking their documented wire formats, through the
 * real proxy: what Telltale assembles from the recorded events must equal the SDK's final object.
 */
import { isDeepStrictEqual } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../proxy/index.ts';
import { SessionStore } from '../session/store.ts';
import { waitFor } from '../testing/loopback.ts';
import { LlmStreams } from './llm-streams.ts';
import {
  anthropicBlocks,
  openAiChatBlocks,
  openAiResponsesBlocks,
  streamingServer,
  type StreamPlan,
} from './test-wire.ts';
import type { LlmSummary } from './types.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A paced upstream behind the proxy; returns the proxy's URL and the recording store. */
async function recordThroughProxy(plan: () => StreamPlan) {
  const upstream = await streamingServer(() => plan());
  cleanups.push(() => upstream.close());
  const store = new SessionStore({ batchIntervalMs: 1 });
  const proxy = await startProxy(store, { port: 0, target: upstream.origin });
  cleanups.push(() => proxy.close());
  cleanups.push(async () => {
    store.dispose();
    await Promise.resolve();
  });
  return { store, proxyUrl: proxy.url, upstream };
}

async function onlySummary(store: SessionStore): Promise<LlmSummary> {
  await waitFor(
    () => store.connections().every((c) => c.state !== 'open' && c.state !== 'connecting'),
    5000,
    'the proxied stream to end',
  );
  const summaries = new LlmStreams(store, { live: false }).summaries();
  expect(summaries).toHaveLength(1);
  return summaries[0] as LlmSummary;
}

const tools = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
  },
  {
    type: 'function' as const,
    function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
  },
];

describe('LLM streams through the proxy, checked against the SDKs', () => {
  it('OpenAI chat completions: text, parallel tool calls, finish_reason, usage (live and after)', async () => {
    const { store, proxyUrl } = await recordThroughProxy(() => ({ blocks: openAiChatBlocks() }));
    const live = new LlmStreams(store);
    const seenLengths: number[] = [];
    live.onChange(() => {
      const summary = live.summaries()[0];
      if (summary) seenLengths.push(summary.text.length);
    });
    cleanups.push(async () => {
      live.dispose();
      await Promise.resolve();
    });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools,
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    const summary = await onlySummary(store);
    const choice = final.choices[0];
    expect(summary.flavor).toBe('openai-chat');
    expect(summary.text).toBe(choice?.message.content);
    expect(
      summary.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
    ).toEqual(
      (choice?.message.tool_calls ?? []).map((c) =>
        c.type === 'function'
          ? { id: c.id, name: c.function.name, arguments: c.function.arguments }
          : { id: c.id },
      ),
    );
    expect(JSON.parse(summary.toolCalls[0]?.arguments ?? '')).toEqual({ location: 'Paris' });
    expect(summary.stopReason).toBe(choice?.finish_reason);
    expect(summary.usage).toEqual({
      inputTokens: final.usage?.prompt_tokens,
      outputTokens: final.usage?.completion_tokens,
      totalTokens: final.usage?.total_tokens,
    });
    expect(summary.model).toBe(final.model);
    expect(summary.responseId).toBe(final.id);
    expect(summary.ending).toBe('complete');
    expect(summary.timing.tokensSource).toBe('usage');
    expect(summary.timing.deltaCount).toBe(8);
    expect(summary.timing.ttftMs).toBeGreaterThan(0);
    expect(summary.timing.gaps?.max).toBeGreaterThan(0);
    // Live: the answer grew while it streamed, and ends as the offline read says.
    await waitFor(
      () => isDeepStrictEqual(live.summaries(), [summary]),
      2000,
      'the live answer to match the recorded one',
    );
    expect(new Set(seenLengths).size).toBeGreaterThan(1);
  });

  it('OpenAI Responses API: output text, function-call argument deltas, completed with usage', async () => {
    const { store, proxyUrl } = await recordThroughProxy(() => ({
      blocks: openAiResponsesBlocks(),
    }));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'Weather in Paris?' });
    const final = await stream.finalResponse();
    const summary = await onlySummary(store);
    expect(summary.flavor).toBe('openai-responses');
    expect(summary.text).toBe(final.output_text);
    const calls = final.output.flatMap((item) =>
      item.type === 'function_call'
        ? [{ id: item.call_id, name: item.name, arguments: item.arguments }]
        : [],
    );
    expect(
      summary.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
    ).toEqual(calls);
    expect(summary.stopReason).toBe(final.status);
    expect(summary.usage).toEqual({
      inputTokens: final.usage?.input_tokens,
      outputTokens: final.usage?.output_tokens,
      totalTokens: final.usage?.total_tokens,
      reasoningTokens: final.usage?.output_tokens_details.reasoning_tokens,
      cachedInputTokens: final.usage?.input_tokens_details.cached_tokens,
    });
    expect(summary.model).toBe(final.model);
    expect(summary.ending).toBe('complete');
  });

  it('Anthropic Messages: thinking with signature, text, tool_use partial JSON, stop reason, usage', async () => {
    const { store, proxyUrl } = await recordThroughProxy(() => ({ blocks: anthropicBlocks() }));
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: proxyUrl, maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'claude-test-1',
      max_tokens: 1024,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
    });
    const final = await stream.finalMessage();
    const summary = await onlySummary(store);
    expect(summary.flavor).toBe('anthropic-messages');
    const text = final.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    const thinking = final.content.flatMap((b) => (b.type === 'thinking' ? [b] : []));
    const toolUses = final.content.flatMap((b) => (b.type === 'tool_use' ? [b] : []));
    expect(summary.text).toBe(text);
    expect(summary.thinking).toBe(thinking[0]?.thinking);
    expect(summary.thinkingSignature).toBe(thinking[0]?.signature);
    expect(summary.toolCalls).toHaveLength(toolUses.length);
    expect(summary.toolCalls[0]?.id).toBe(toolUses[0]?.id);
    expect(summary.toolCalls[0]?.name).toBe(toolUses[0]?.name);
    expect(JSON.parse(summary.toolCalls[0]?.arguments ?? '')).toEqual(toolUses[0]?.input);
    expect(summary.stopReason).toBe(final.stop_reason);
    expect(summary.usage?.inputTokens).toBe(final.usage.input_tokens);
    expect(summary.usage?.outputTokens).toBe(final.usage.output_tokens);
    expect(summary.model).toBe(final.model);
    expect(summary.responseId).toBe(final.id);
    expect(summary.ending).toBe('complete');
  });

  it('Anthropic error event mid-stream: the SDK throws, the partial answer is kept, ending error', async () => {
    const { store, proxyUrl } = await recordThroughProxy(() => ({
      blocks: anthropicBlocks({ errorAfterText: true }),
    }));
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: proxyUrl, maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'claude-test-1',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
    const summary = await onlySummary(store);
    expect(summary.ending).toBe('error');
    expect(summary.error).toMatchObject({ type: 'overloaded_error', message: 'Overloaded' });
    expect(summary.text).toBe('Checking Paris now.');
  });

  it('an upstream that dies mid-stream: the SDK fails, the answer is aborted with its partial text', async () => {
    const { store, proxyUrl } = await recordThroughProxy(() => ({
      blocks: openAiChatBlocks(),
      abortAfter: 3,
    }));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(stream.finalChatCompletion()).rejects.toThrow();
    const summary = await onlySummary(store);
    expect(summary.ending).toBe('aborted');
    expect(summary.text).toBe('Let me check the ');
    expect(summary.stopReason).toBeUndefined();
  });

  it('an HTTP error before any event (429 from the API) is a failed LLM call, known by its path', async () => {
    const { store, proxyUrl } = await recordThroughProxy(() => ({
      status: 429,
      headers: { 'Content-Type': 'application/json' },
      blocks: ['{"error":{"message":"Rate limit reached","type":"requests"}}'],
    }));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(stream.finalChatCompletion()).rejects.toThrow(/429/);
    const summary = await onlySummary(store);
    expect(summary).toMatchObject({
      flavor: 'openai-chat',
      ending: 'error',
      error: { type: 'http_429' },
      text: '',
      timing: { deltaCount: 0, stalls: [] },
    });
  });
});
