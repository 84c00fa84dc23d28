/**
 * `telltale inspect FILE [--json] [--diagnose]`: what a recorded session says, per connection —
 * the LLM answer when the connection carried one, and the diagnostics findings. `--json` prints
 * one JSON document (the contract in docs/diagnostics.md); `--diagnose` makes any error-severity
 * finding exit 1, so CI can gate on a recorded session.
 * Exit 0 done (no error finding under --diagnose), 1 error findings under --diagnose, 2 on a
 * usage error or a file that cannot be read.
 */
import { parseArgs } from 'node:util';
import type { Connection } from '../../shared/model/connection.ts';
import type {
  ProtocolChoice,
  ProtocolFallback,
  ProtocolFieldValue,
  ProtocolName,
} from '../../shared/model/protocol.ts';
import { diagnoseStore } from '../core/diagnostics/records.ts';
import type { Finding, Severity } from '../core/diagnostics/types.ts';
import { LlmStreams } from '../core/llm/llm-streams.ts';
import { ProtocolViews } from '../core/protocol/dissect/protocol-views.ts';
import {
  graphqlOperations,
  type GraphqlOperation,
} from '../core/protocol/graphql-ws/operations.ts';
import type { LlmSummary } from '../core/llm/types.ts';
import { SessionFileError } from '../core/session/ndjson-reader.ts';
import { openSessionFile } from '../core/session/session-file.ts';
import { flushStdout, writeStdout } from './stdout.ts';
import { UsageError } from './usage.ts';

export const inspectUsage = `Usage: telltale inspect FILE [--json] [--diagnose]
  FILE          a session: .ndjson (Telltale) or .har
  --json        one JSON document on stdout (format "telltale-inspect", version 1)
  --diagnose    exit 1 when any finding has severity "error" (a CI gate)

Prints, per connection, the LLM answer it carried (text, tool calls, stop reason, usage, timing)
and the diagnostics findings (rule, severity, evidence, fix); then, per protocol channel
(JSON-RPC, Socket.IO, GraphQL over WebSocket), its messages in protocol words, the requests
paired with their answers and the latency, unanswered requests and malformed messages.
Exit status: 0 done, 1 error findings with --diagnose, 2 usage error or unreadable file.
`;

/**
 * The `--json` document. Fields are only ever added; see docs/diagnostics.md and, for
 * `protocols`, docs/protocols.md.
 */
export interface InspectReport {
  format: 'telltale-inspect';
  version: 1;
  file: string;
  connections: InspectedConnection[];
  /** One per protocol channel, in the order their first connection was dissected. */
  protocols: InspectedChannel[];
  /** Connections whose dissector gave up: shown raw. */
  protocolFallbacks: ProtocolFallback[];
  summary: {
    connections: number;
    llmAnswers: number;
    findings: Record<Severity, number>;
    protocolChannels: number;
    protocolMessages: number;
    pairs: number;
    unanswered: number;
    malformed: number;
  };
}

/** One protocol message, where it is and what it says. */
export interface InspectedMessage {
  seq: number;
  index: number;
  connectionId: string;
  direction: 'out' | 'in';
  time: number;
  kind: string;
  summary: string;
  fields: Record<string, ProtocolFieldValue>;
  malformed?: { code: string; message: string };
}

export interface InspectedChannel {
  id: string;
  protocol: ProtocolName;
  chosenBy: ProtocolChoice;
  connectionIds: string[];
  counts: { messages: number; malformed: number; pairs: number; unanswered: number };
  messages: InspectedMessage[];
  pairs: {
    kind: string;
    key: string;
    request: { seq: number; index: number };
    answer: { seq: number; index: number };
    latencyMs: number;
  }[];
  unanswered: { kind: string; key: string; seq: number; index: number }[];
  malformed: { seq: number; index: number; code: string; message: string }[];
  /** GraphQL channels: each operation with its ending and timings. */
  operations?: GraphqlOperation[];
}

export interface InspectedConnection {
  id: string;
  kind: Connection['kind'];
  method: string;
  url: string;
  state: Connection['state'];
  status?: number;
  /** The answer that starts on this connection. */
  llm?: LlmSummary;
  /** The connection continues the answer that started on this one (a resumed stream). */
  llmContinues?: string;
  findings: Finding[];
  /** The protocol its messages were dissected as, and the channel they belong to. */
  protocol?: ProtocolName;
  channel?: string;
}

export async function runInspect(argv: string[]): Promise<number> {
  const args = parseInspectArgs(argv);
  let opened;
  try {
    opened = await openSessionFile(args.file, { markImported: false });
  } catch (error) {
    if (error instanceof SessionFileError) {
      process.stderr.write(`telltale: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const note of opened.notes) {
    process.stderr.write(`telltale: ${args.file}: ${note.message}\n`);
  }
  const report = inspectReport(args.file, opened.store);
  opened.store.dispose();
  writeStdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  await flushStdout();
  const { error, warning, info } = report.summary.findings;
  process.stderr.write(
    `telltale: ${report.summary.connections} connection${report.summary.connections === 1 ? '' : 's'}, ${report.summary.llmAnswers} LLM answer${report.summary.llmAnswers === 1 ? '' : 's'}; findings: ${error} error, ${warning} warning, ${info} info${protocolLine(report)}\n`,
  );
  return args.diagnose && error > 0 ? 1 : 0;
}

function protocolLine(report: InspectReport): string {
  const s = report.summary;
  if (s.protocolChannels === 0) return '';
  return `; protocols: ${s.protocolChannels} channel${s.protocolChannels === 1 ? '' : 's'}, ${s.protocolMessages} messages, ${s.pairs} paired, ${s.unanswered} unanswered, ${s.malformed} malformed`;
}

export function inspectReport(
  file: string,
  store: Parameters<typeof diagnoseStore>[0],
): InspectReport {
  const summaries = new LlmStreams(store, { live: false }).summaries();
  const answerOf = new Map<string, LlmSummary>();
  for (const summary of summaries) {
    for (const id of summary.connectionIds) answerOf.set(id, summary);
  }
  const findings = diagnoseStore(store);
  const findingsOf = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = findingsOf.get(finding.connectionId) ?? [];
    list.push(finding);
    findingsOf.set(finding.connectionId, list);
  }
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  const views = new ProtocolViews(store, { live: false });
  const connections = store.connections().map((c): InspectedConnection => {
    const out: InspectedConnection = {
      id: c.id,
      kind: c.kind,
      method: c.method,
      url: c.url,
      state: c.state,
      findings: findingsOf.get(c.id) ?? [],
    };
    if (c.response !== undefined) out.status = c.response.status;
    const protocol = views.protocolOf(c.id);
    const channel = views.channelOf(c.id);
    if (protocol !== undefined) out.protocol = protocol;
    if (channel !== undefined) out.channel = channel;
    const answer = answerOf.get(c.id);
    if (answer !== undefined) {
      if (answer.connectionId === c.id) out.llm = answer;
      else out.llmContinues = answer.connectionId;
    }
    return out;
  });
  const protocols = inspectChannels(views, (id) => store.getConnection(id)?.closedAt);
  const protocolFallbacks = views.fallbacks();
  views.dispose();
  const total = (key: keyof InspectedChannel['counts']) =>
    protocols.reduce((sum, c) => sum + c.counts[key], 0);
  return {
    format: 'telltale-inspect',
    version: 1,
    file,
    connections,
    protocols,
    protocolFallbacks,
    summary: {
      connections: connections.length,
      llmAnswers: summaries.length,
      findings: counts,
      protocolChannels: protocols.length,
      protocolMessages: total('messages'),
      pairs: total('pairs'),
      unanswered: total('unanswered'),
      malformed: total('malformed'),
    },
  };
}

function inspectChannels(
  views: ProtocolViews,
  closedAt: (connectionId: string) => number | undefined,
): InspectedChannel[] {
  const annotations = views.annotations();
  const pairs = views.pairs();
  const unanswered = views.unanswered();
  return views.channels().map((channel): InspectedChannel => {
    const members = new Set(channel.connectionIds);
    const mine = annotations.filter((a) => members.has(a.connectionId));
    const messages = mine.flatMap((a) =>
      a.messages.map((m): InspectedMessage => {
        const out: InspectedMessage = {
          seq: a.seq,
          index: m.index,
          connectionId: a.connectionId,
          direction: a.direction,
          time: a.time,
          kind: m.kind,
          summary: m.summary,
          fields: m.fields,
        };
        if (m.malformed !== undefined) out.malformed = m.malformed;
        return out;
      }),
    );
    const out: InspectedChannel = {
      id: channel.id,
      protocol: channel.protocol,
      chosenBy: channel.chosenBy,
      connectionIds: channel.connectionIds,
      counts: {
        messages: channel.messages,
        malformed: channel.malformed,
        pairs: channel.pairs,
        unanswered: channel.unanswered,
      },
      messages,
      pairs: pairs
        .filter((p) => p.channelId === channel.id)
        .map((p) => ({
          kind: p.kind,
          key: p.key,
          request: { seq: p.request.seq, index: p.request.index },
          answer: { seq: p.answer.seq, index: p.answer.index },
          latencyMs: p.latencyMs,
        })),
      unanswered: unanswered
        .filter((u) => u.channelId === channel.id)
        .map((u) => ({ kind: u.kind, key: u.key, seq: u.request.seq, index: u.request.index })),
      malformed: messages.flatMap((m) =>
        m.malformed === undefined ? [] : [{ seq: m.seq, index: m.index, ...m.malformed }],
      ),
    };
    if (
      channel.protocol === 'graphql-transport-ws' ||
      channel.protocol === 'subscriptions-transport-ws'
    ) {
      out.operations = graphqlOperations(mine, closedAt);
    }
    return out;
  });
}

export function parseInspectArgs(argv: string[]): {
  file: string;
  json: boolean;
  diagnose: boolean;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, diagnose: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), inspectUsage);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError('inspect needs a session file', inspectUsage);
  if (extra.length > 0) {
    throw new UsageError(`inspect takes one file, got also "${extra.join('", "')}"`, inspectUsage);
  }
  return { file, json: parsed.values.json === true, diagnose: parsed.values.diagnose === true };
}

// ── text output ──────────────────────────────────────────────────────────────

function formatReport(report: InspectReport): string {
  const lines: string[] = [];
  const number = new Map(report.connections.map((c, i) => [c.id, i + 1]));
  for (const [i, c] of report.connections.entries()) {
    if (c.llm === undefined && c.llmContinues === undefined && c.findings.length === 0) continue;
    lines.push(
      `#${i + 1} ${c.kind} ${c.method} ${c.url} — ${c.state}${c.status === undefined ? '' : ` (${c.status})`} [${c.id}]`,
    );
    if (c.llm !== undefined) lines.push(...formatLlm(c.llm, number));
    if (c.llmContinues !== undefined) {
      lines.push(`  LLM: continues the answer of #${number.get(c.llmContinues) ?? '?'}`);
    }
    for (const f of c.findings) {
      lines.push(`  ${f.severity.toUpperCase()} ${f.rule}: ${f.message}`);
      if (f.evidence.seqs.length > 0) lines.push(`    entries: ${f.evidence.seqs.join(', ')}`);
      for (const [name, value] of f.evidence.headers) lines.push(`    ${name}: ${value}`);
      lines.push(`    fix: ${f.fix}`);
    }
    lines.push('');
  }
  if (lines.length === 0) lines.push('No LLM answers and no findings.', '');
  for (const channel of report.protocols) lines.push(...formatChannel(channel, number), '');
  for (const f of report.protocolFallbacks) {
    lines.push(
      `#${number.get(f.connectionId) ?? '?'} shown raw: not ${f.protocol} (${f.reason})`,
      '',
    );
  }
  return lines.join('\n');
}

/** Messages printed per channel in text; --json carries them all. */
const TEXT_MESSAGES = 200;

function formatChannel(c: InspectedChannel, number: Map<string, number>): string[] {
  const refs = c.connectionIds.map((id) => `#${number.get(id) ?? '?'}`).join(', ');
  const n = c.counts;
  const out = [
    `${c.protocol} channel ${c.id} (chosen by ${c.chosenBy}) on ${refs}`,
    `  ${n.messages} message${n.messages === 1 ? '' : 's'} · ${n.pairs} paired · ${n.unanswered} unanswered · ${n.malformed} malformed`,
  ];
  for (const m of c.messages.slice(0, TEXT_MESSAGES)) {
    out.push(
      `  ${String(m.seq).padStart(6)}${m.index > 0 ? `.${m.index}` : ''} ${m.direction.padEnd(3)} ${m.summary}`,
    );
  }
  if (c.messages.length > TEXT_MESSAGES) {
    out.push(`  … ${c.messages.length - TEXT_MESSAGES} more (all of them with --json)`);
  }
  if (c.pairs.length > 0) {
    out.push('  pairs:');
    for (const p of c.pairs) {
      out.push(
        `    ${p.kind} ${p.key}: ${ref(p.request)} → ${ref(p.answer)} in ${round(p.latencyMs)} ms`,
      );
    }
  }
  for (const u of c.unanswered) out.push(`  UNANSWERED ${u.kind} ${u.key} at ${ref(u)}`);
  for (const m of c.malformed) out.push(`  MALFORMED at ${ref(m)}: ${m.code}: ${m.message}`);
  for (const op of c.operations ?? []) {
    const timing = [
      op.firstResultMs !== undefined && `first result ${round(op.firstResultMs)} ms`,
      op.lifetimeMs !== undefined && `lifetime ${round(op.lifetimeMs)} ms`,
    ];
    out.push(
      `  operation ${op.id} ${op.type}${op.name === undefined ? '' : ` ${op.name}`}: ${op.results} result${op.results === 1 ? '' : 's'}, ${op.ended}${timing
        .filter(Boolean)
        .map((t) => ` · ${String(t)}`)
        .join('')}`,
    );
  }
  return out;
}

function ref(r: { seq: number; index: number }): string {
  return r.index > 0 ? `seq ${r.seq}.${r.index}` : `seq ${r.seq}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function formatLlm(s: LlmSummary, number: Map<string, number>): string[] {
  const out: string[] = [];
  const head = [`LLM ${s.flavor}`, s.model, s.ending, s.stopReason && `stop: ${s.stopReason}`];
  out.push(`  ${head.filter(Boolean).join(' · ')}`);
  if (s.connectionIds.length > 1) {
    out.push(
      `    across connections ${s.connectionIds.map((id) => `#${number.get(id) ?? '?'}`).join(', ')}`,
    );
  }
  if (s.request !== undefined) {
    const r = s.request;
    const last = r.messages.at(-1);
    out.push(
      `    request: ${r.messages.length} message${r.messages.length === 1 ? '' : 's'}${last ? `, last ${last.role}: ${quote(last.text, 80)}` : ''}${r.tools.length > 0 ? `; tools ${r.tools.join(', ')}` : ''}`,
    );
  }
  if (s.thinking !== undefined) out.push(`    thinking: ${quote(s.thinking, 160)}`);
  out.push(`    text: ${quote(s.text, 400)}`);
  for (const call of s.toolCalls) {
    out.push(
      `    tool call ${call.name}${call.id === undefined ? '' : ` (${call.id})`}: ${call.arguments}`,
    );
  }
  if (s.usage !== undefined) {
    const u = s.usage;
    const parts = [
      u.inputTokens !== undefined && `in ${u.inputTokens}`,
      u.outputTokens !== undefined && `out ${u.outputTokens}`,
      u.totalTokens !== undefined && `total ${u.totalTokens}`,
      u.reasoningTokens !== undefined && `reasoning ${u.reasoningTokens}`,
      u.cachedInputTokens !== undefined && `cached ${u.cachedInputTokens}`,
    ];
    out.push(`    usage: ${parts.filter(Boolean).join(' · ')}`);
  }
  const t = s.timing;
  const timing = [
    t.ttftMs !== undefined && `TTFT ${t.ttftMs} ms`,
    t.durationMs !== undefined && `total ${t.durationMs} ms`,
    t.tokensPerSecond !== undefined && `${t.tokensPerSecond} tok/s (from ${t.tokensSource})`,
    `${t.deltaCount} deltas`,
    t.gaps && `gaps p50 ${t.gaps.p50} / p95 ${t.gaps.p95} / max ${t.gaps.max} ms`,
    t.stalls.length > 0 &&
      `${t.stalls.length} stall${t.stalls.length === 1 ? '' : 's'} (entries ${t.stalls.map((x) => x.seq).join(', ')})`,
  ];
  out.push(`    timing: ${timing.filter(Boolean).join(' · ')}`);
  if (s.error !== undefined) {
    out.push(
      `    error: ${s.error.type === undefined ? '' : `${s.error.type}: `}${s.error.message}`,
    );
  }
  if (s.replayedEvents > 0) out.push(`    replayed events skipped: ${s.replayedEvents}`);
  return out;
}

function quote(text: string, max: number): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(clipped);
}
