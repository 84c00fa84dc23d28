/**
 * `npm run bench`: every benchmark in one run, figures printed side by side with the reference
 * implementation each one is measured against. Timing lives here, never in tests.
 */
import { main as wsDecode } from './ws-decode.bench.ts';
import { main as sseDecode } from './sse-decode.bench.ts';
import { main as store } from './store.bench.ts';
import { main as filter } from './filter.bench.ts';
import { main as session } from './session.bench.ts';
import { main as proxy } from './proxy.bench.ts';
import { main as llm } from './llm.bench.ts';
import { main as diagnostics } from './diagnostics.bench.ts';

const benches: [string, () => Promise<void>][] = [
  ['WebSocket frame decoding (Telltale WsFrameDecoder vs ws Receiver)', wsDecode],
  ['SSE decoding (Telltale SseDecoder vs eventsource-parser)', sseDecode],
  ['Session store (1,000,000 entries)', store],
  ['Filter evaluation over 1,000,000 entries', filter],
  ['Sessions: journal, open and export (1,000,000 entries)', session],
  ['LLM stream assembly (10,000 deltas)', llm],
  ['Diagnostics rule engine (1,000,000 entries)', diagnostics],
  ['Proxy cost: direct, net pipe, Telltale, http-proxy, mockttp (about 5 minutes)', proxy],
];

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const [title, run] of benches) {
  console.log(`\n== ${title}`);
  await run();
}
