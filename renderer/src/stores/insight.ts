/**
 * What the core works out about the traffic, as it reports it: LLM summaries (by every connection
 * of their answer), diagnostics findings, breakpoint rules with the paused messages, and running
 * mock servers. Each is small (one record per connection at most), so it lives in zustand.
 */
import { create } from 'zustand';
import type { Finding, Severity } from '../../../shared/model/diagnostics.ts';
import type { LlmEnding, LlmSummary } from '../../../shared/model/llm.ts';
import type { BreakpointState, MockInfo } from '../../../shared/model/replay.ts';

export interface InsightState {
  /** Keyed by each connection of the answer, so a resumed stream finds its summary too. */
  llmByConnection: Record<string, LlmSummary>;
  /** Each connection's LLM answer's ending, for the list's marker (stable while only text grows). */
  llmEndings: Readonly<Record<string, LlmEnding>>;
  /** LLM stalls by the seq of the late delta → the gap in ms (marked on the timeline). */
  stalls: ReadonlyMap<number, number>;
  findings: Finding[];
  breakpoints: BreakpointState;
  mocks: MockInfo[];
  upsertLlm(summaries: readonly LlmSummary[]): void;
  resetLlm(summaries: readonly LlmSummary[]): void;
  setFindings(findings: Finding[]): void;
  setBreakpoints(state: BreakpointState): void;
  setMocks(mocks: MockInfo[]): void;
}

export const emptyBreakpoints: BreakpointState = { rules: [], handshakeRules: [], paused: [] };

export const useInsight = create<InsightState>()((set, get) => ({
  llmByConnection: {},
  llmEndings: {},
  stalls: new Map(),
  findings: [],
  breakpoints: emptyBreakpoints,
  mocks: [],
  upsertLlm(summaries) {
    if (summaries.length === 0) return;
    const next = { ...get().llmByConnection };
    for (const summary of summaries) {
      for (const id of summary.connectionIds) next[id] = summary;
      next[summary.connectionId] = summary;
    }
    // Summaries change with every token; the timeline and the connections list re-render only
    // when the stalls or the endings do.
    const stalls = stallsOf(next);
    const endings: Record<string, LlmEnding> = {};
    for (const [id, summary] of Object.entries(next)) endings[id] = summary.ending;
    set({
      llmByConnection: next,
      ...(sameStalls(stalls, get().stalls) ? {} : { stalls }),
      ...(sameEndings(endings, get().llmEndings) ? {} : { llmEndings: endings }),
    });
  },
  resetLlm(summaries) {
    set({ llmByConnection: {}, llmEndings: {}, stalls: new Map() });
    get().upsertLlm(summaries);
  },
  setFindings(findings) {
    set({ findings });
  },
  setBreakpoints(breakpoints) {
    set({ breakpoints });
  },
  setMocks(mocks) {
    set({ mocks });
  },
}));

function stallsOf(byConnection: Record<string, LlmSummary>): Map<number, number> {
  const stalls = new Map<number, number>();
  for (const summary of Object.values(byConnection))
    for (const stall of summary.timing.stalls) stalls.set(stall.seq, stall.gapMs);
  return stalls;
}

function sameStalls(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [seq, gap] of a) if (b.get(seq) !== gap) return false;
  return true;
}

function sameEndings(
  a: Readonly<Record<string, LlmEnding>>,
  b: Readonly<Record<string, LlmEnding>>,
): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((id) => a[id] === b[id]);
}

const severityRank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function worseSeverity(a: Severity, b: Severity): Severity {
  return severityRank[a] >= severityRank[b] ? a : b;
}

/** Most severe first, then in the order the core gave them. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        severityRank[b.finding.severity] - severityRank[a.finding.severity] || a.index - b.index,
    )
    .map((item) => item.finding);
}

/** Per connection: how many findings and the worst severity among them (for the list's marker). */
export function findingMarkers(
  findings: readonly Finding[],
): Map<string, { count: number; worst: Severity }> {
  const markers = new Map<string, { count: number; worst: Severity }>();
  for (const finding of findings) {
    const marker = markers.get(finding.connectionId);
    if (marker) {
      marker.count++;
      marker.worst = worseSeverity(marker.worst, finding.severity);
    } else markers.set(finding.connectionId, { count: 1, worst: finding.severity });
  }
  return markers;
}
