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
import { main as dissect } from './dissect.bench.ts';
import { main as ui } from './ui.bench.ts';

const benches: [name: string, title: string, run: () => Promise<void>][] = [
  ['ws', 'WebSocket frame decoding (Telltale WsFrameDecoder vs ws Receiver)', wsDecode],
  ['sse', 'SSE decoding (Telltale SseDecoder vs eventsource-parser)', sseDecode],
  ['store', 'Session store (1,000,000 entries)', store],
  ['filter', 'Filter evaluation over 1,000,000 entries', filter],
  ['session', 'Sessions: journal, open and export (1,000,000 entries)', session],
  ['llm', 'LLM stream assembly (10,000 deltas)', llm],
  ['diagnostics', 'Diagnostics rule engine (1,000,000 entries)', diagnostics],
  [
    'dissect',
    'Protocol dissectors: messages/s alone, through the views, next to the WS decoder',
    dissect,
  ],
  [
    'proxy',
    'Proxy cost: direct, net pipe, Telltale, http-proxy, mockttp (about 5–8 minutes)',
    proxy,
  ],
  ['ui', 'Inspector UI in Chromium (the built renderer)', ui],
];

// `npm run bench -- ws sse` runs only those; no names runs them all.
const only = new Set(process.argv.slice(2));
const unknown = [...only].filter((name) => !benches.some(([n]) => n === name));
if (unknown.length > 0) {
  console.error(
    `unknown bench ${unknown.join(', ')}; choose from ${benches.map(([n]) => n).join(', ')}`,
  );
  process.exit(2);
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const [name, title, run] of benches) {
  if (only.size > 0 && !only.has(name)) continue;
  console.log(`\n== ${title}`);
  await run();
}
