/**
 * LLM stream assembly: a 10,000-delta stream of each wire format fed entry by entry into
 * Telltale's LlmIndex (detection, JSON parse, assembly, timing), with the answer read once at the
 * end and, for the live case, after every 16-entry batch as the UI would. The reference row is
 * JSON.parse of the same payloads alone: the floor any assembler pays.
 *
 *   node bench/llm.bench.ts
 */
import type { Connection } from '../shared/model/connection.ts';
import type { Entry } from '../shared/model/entry.ts';
import { LlmIndex } from '../main/core/llm/llm-index.ts';

const DELTAS = 10_000;
const ROUNDS = 5;

function connection(id: string, path: string): Connection {
  return {
    id,
    kind: 'sse',
    source: 'proxy',
    url: `http://127.0.0.1:1${path}`,
    method: 'POST',
    requestHeaders: [],
    state: 'closed',
    openedAt: 0,
    closedAt: DELTAS * 20 + 100,
    bytesOut: 0,
    bytesIn: 0,
  };
}

function entries(id: string, events: { event?: string; data: string }[]): Entry[] {
  return events.map((e, i) => ({
    seq: i + 1,
    connectionId: id,
    time: 50 + i * 20 + (i % 97 === 0 ? 1500 : 0),
    direction: 'in',
    kind: 'event',
    payload: e.data,
    payloadSize: e.data.length,
    wireSize: e.data.length + 8,
    sse: { event: e.event ?? 'message', lastEventId: '' },
  }));
}

const words = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog.'];
const word = (i: number) => words[i % words.length] ?? '';

const workloads: { name: string; path: string; events: { event?: string; data: string }[] }[] = [
  {
    name: 'OpenAI chat',
    path: '/v1/chat/completions',
    events: [
      ...Array.from({ length: DELTAS }, (_, i) => ({
        data: JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-4o',
          choices: [{ index: 0, delta: { content: word(i) }, finish_reason: null }],
        }),
      })),
      { data: '[DONE]' },
    ],
  },
  {
    name: 'Anthropic Messages',
    path: '/v1/messages',
    events: [
      {
        event: 'message_start',
        data: JSON.stringify({ type: 'message_start', message: { id: 'msg', model: 'claude' } }),
      },
      ...Array.from({ length: DELTAS }, (_, i) => ({
        event: 'content_block_delta',
        data: JSON.stringify({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: word(i) },
        }),
      })),
      { event: 'message_stop', data: '{"type":"message_stop"}' },
    ],
  },
  {
    name: 'generic {"token"}',
    path: '/stream',
    events: Array.from({ length: DELTAS }, (_, i) => ({
      data: JSON.stringify({ token: word(i) }),
    })),
  },
];

function run(
  path: string,
  list: Entry[],
  readEvery: number,
): { ms: number; textLength: number; stalls: number } {
  const start = performance.now();
  const index = new LlmIndex();
  index.observeConnection(connection('c', path));
  let i = 0;
  for (const entry of list) {
    index.observeEntry(entry);
    if (readEvery > 0 && ++i % readEvery === 0) index.summaryOf('c');
  }
  const summary = index.summaryOf('c');
  const ms = performance.now() - start;
  return { ms, textLength: summary?.text.length ?? 0, stalls: summary?.timing.stalls.length ?? 0 };
}

function best(f: () => number): number {
  let min = Infinity;
  for (let r = 0; r < ROUNDS; r++) min = Math.min(min, f());
  return min;
}

export async function main(): Promise<void> {
  await Promise.resolve();
  console.log(`${DELTAS.toLocaleString('en-US')} deltas per stream, best of ${ROUNDS} rounds`);
  for (const w of workloads) {
    const list = entries('c', w.events);
    const parseMs = best(() => {
      const t = performance.now();
      for (const e of list)
        if (typeof e.payload === 'string' && e.payload[0] === '{') JSON.parse(e.payload);
      return performance.now() - t;
    });
    const once = run(w.path, list, 0);
    const onceMs = best(() => run(w.path, list, 0).ms);
    // Live: the answer read after every 16 entries (one change-feed batch), as the UI does.
    const liveMs = best(() => run(w.path, list, 16).ms);
    const rate = (ms: number) =>
      `${Math.round(list.length / (ms / 1000)).toLocaleString('en-US')} entries/s`;
    console.log(
      `${w.name.padEnd(20)} assemble ${onceMs.toFixed(1)} ms (${rate(onceMs)}) · live, read every 16 ${liveMs.toFixed(1)} ms (${rate(liveMs)}) · JSON.parse alone ${parseMs.toFixed(1)} ms (${rate(parseMs)}) · text ${once.textLength.toLocaleString('en-US')} chars, ${once.stalls} stalls`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
