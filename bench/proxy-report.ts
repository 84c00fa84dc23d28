/**
 * The proxy benchmark's table: per path, the median of each figure over the runs with its spread
 * ((max − min) / median), and the target ratios computed within each run (every path of a run
 * is measured back to back, so a ratio is less noisy than its two figures) then summarised.
 */

export type Kind =
  | 'direct'
  | 'pipe'
  | 'pipe-nodelay'
  | 'telltale'
  | 'telltale-dissect'
  | 'telltale-discard'
  | 'http-proxy'
  | 'mockttp';

export const LABEL: Record<Kind, string> = {
  direct: 'direct',
  pipe: 'net pipe',
  'pipe-nodelay': 'net pipe (nodelay)',
  telltale: 'Telltale',
  'telltale-dissect': 'Telltale + dissection',
  'telltale-discard': 'Telltale (no store)',
  'http-proxy': 'http-proxy',
  mockttp: 'mockttp',
};

export interface Row {
  kind: Kind;
  cpu1k: number;
  cpu10k: number;
  cpu64k: number;
  rate64k: number;
  p50at1k: number;
  p99at1k: number;
  p50one: number;
  p99one: number;
  /** CPU per JSON-RPC echo (1 KiB request, 1 KiB result) at 1k/s. */
  cpuRpc: number;
  sseRate: number;
  sseCpu: number;
  /** SSE: CPU µs per event of the reading client (this process) and of the upstream; wall µs. */
  sseClientCpu: number;
  sseUpstreamCpu: number;
  sseWall: number;
  rssSse: number;
  rssSlow: number;
  /** Entries the store holds at the end, and the payload bytes of them in memory. */
  entries: number;
  residentPayload: number;
  notes: string[];
}

export function emptyRow(kind: Kind): Row {
  return {
    kind,
    cpu1k: NaN,
    cpu10k: NaN,
    cpu64k: NaN,
    rate64k: NaN,
    p50at1k: NaN,
    p99at1k: NaN,
    p50one: NaN,
    p99one: NaN,
    cpuRpc: NaN,
    sseRate: NaN,
    sseCpu: NaN,
    sseClientCpu: NaN,
    sseUpstreamCpu: NaN,
    sseWall: NaN,
    rssSse: NaN,
    rssSlow: NaN,
    entries: NaN,
    residentPayload: NaN,
    notes: [],
  };
}

type Figure = Exclude<keyof Row, 'kind' | 'notes'>;

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** `median ±spread%` over the runs (the spread only with more than one run). */
function cell(values: number[], digits: number, scale = 1): string {
  const finite = values.filter(Number.isFinite);
  const m = median(finite);
  const text = fmt(m / scale, digits);
  if (finite.length < 2 || !Number.isFinite(m) || m === 0) return text;
  const spread = (Math.max(...finite) - Math.min(...finite)) / m;
  return `${text} ±${Math.round((spread * 100) / 2)}%`;
}

/** `median [min–max]` of a per-run ratio. */
function ratio(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '—';
  const m = fmt(median(finite), 2);
  if (finite.length < 2) return `${m}×`;
  return `${m}× [${fmt(Math.min(...finite), 2)}–${fmt(Math.max(...finite), 2)}]`;
}

export function printReport(runs: Row[][], kinds: Kind[]): void {
  const of = (kind: Kind, figure: Figure): number[] =>
    runs.map((run) => run.find((r) => r.kind === kind)?.[figure] ?? NaN);
  const per = (kind: Kind, base: Kind, figure: Figure, baseFigure: Figure = figure): number[] =>
    runs.map((run) => {
      const a = run.find((r) => r.kind === kind)?.[figure] ?? NaN;
      const b = run.find((r) => r.kind === base)?.[baseFigure] ?? NaN;
      return a / b;
    });
  const columns: [title: string, show: (k: Kind) => string][] = [
    ['path', (k) => LABEL[k]],
    ['CPU µs/echo 1k/s', (k) => cell(of(k, 'cpu1k'), 1)],
    ['10k/s', (k) => cell(of(k, 'cpu10k'), 1)],
    ['64KiB', (k) => cell(of(k, 'cpu64k'), 1)],
    ['64KiB echo/s', (k) => cell(of(k, 'rate64k'), 0)],
    [
      'p50/p99 µs @1k',
      (k) => `${fmt(median(of(k, 'p50at1k')), 0)}/${fmt(median(of(k, 'p99at1k')), 0)}`,
    ],
    [
      'p50/p99 µs 1-in-flight',
      (k) => `${cell(of(k, 'p50one'), 0)}/${fmt(median(of(k, 'p99one')), 0)}`,
    ],
    ['CPU µs/JSON-RPC echo 1k/s', (k) => cell(of(k, 'cpuRpc'), 1)],
    ['SSE ev/s', (k) => cell(of(k, 'sseRate'), 0)],
    ['CPU µs/event', (k) => cell(of(k, 'sseCpu'), 2)],
    ['peak RSS MiB SSE 2M', (k) => cell(of(k, 'rssSse'), 0, 1 << 20)],
    ['slow reader', (k) => cell(of(k, 'rssSlow'), 0, 1 << 20)],
  ];
  console.log(columns.map(([title]) => title).join(' | '));
  for (const kind of kinds) console.log(columns.map(([, show]) => show(kind)).join(' | '));

  const split = kinds.filter((k) => Number.isFinite(median(of(k, 'sseWall'))));
  if (split.length > 0) {
    console.log(
      '  SSE, µs per event (median): CPU of client + upstream + proxy = sum, over wall time = cores busy',
    );
  }
  for (const kind of split) {
    const client = median(of(kind, 'sseClientCpu'));
    const upstream = median(of(kind, 'sseUpstreamCpu'));
    const proxy = kind === 'direct' ? 0 : median(of(kind, 'sseCpu'));
    const wall = median(of(kind, 'sseWall'));
    const sum = client + upstream + proxy;
    console.log(
      `    ${LABEL[kind]}: ${fmt(client, 3)} + ${fmt(upstream, 3)} + ${fmt(proxy, 3)} = ${fmt(sum, 3)} over ${fmt(wall, 3)} = ${fmt(sum / wall, 2)} cores`,
    );
  }
  const recorded = kinds.filter((k) => Number.isFinite(median(of(k, 'entries'))));
  for (const kind of recorded) {
    console.log(
      `  ${LABEL[kind]} store at the end: ${median(of(kind, 'entries')).toLocaleString('en')} entries, ` +
        `${fmt(median(of(kind, 'residentPayload')) / (1 << 20), 0)} MiB of payload in memory (the rest in its journal)`,
    );
  }
  for (const base of (['pipe', 'pipe-nodelay'] as const).filter((k) => kinds.includes(k))) {
    console.log(
      `\nratios to ${LABEL[base]} within each run, median [min–max] (targets: CPU 1k/10k ≤ 1.3×, 64 KiB ≤ 2×; p50 ≤ pipe + 40 µs; SSE ≥ 0.95× direct):`,
    );
    for (const kind of kinds.filter((k) => k !== 'direct' && k !== base)) {
      const added = runs.map((run) => {
        const a = run.find((r) => r.kind === kind)?.p50one ?? NaN;
        const b = run.find((r) => r.kind === base)?.p50one ?? NaN;
        return a - b;
      });
      console.log(
        `  ${LABEL[kind]}: CPU 1k ${ratio(per(kind, base, 'cpu1k'))}, 10k ${ratio(per(kind, base, 'cpu10k'))}, ` +
          `64KiB ${ratio(per(kind, base, 'cpu64k'))}, JSON-RPC 1k ${ratio(per(kind, base, 'cpuRpc'))}; ` +
          `p50 1-in-flight ${fmt(median(added), 0)} µs vs ${LABEL[base]}; SSE ${ratio(per(kind, 'direct', 'sseRate'))} direct`,
      );
    }
  }
  if (kinds.includes('telltale') && kinds.includes('telltale-dissect')) {
    console.log(
      `  dissection on / off (JSON-RPC echo CPU, Telltale + dissection / Telltale): ${ratio(per('telltale-dissect', 'telltale', 'cpuRpc'))}`,
    );
  }
  for (const [i, run] of runs.entries())
    for (const r of run)
      if (r.notes.length)
        console.log(`  note run ${i + 1} ${LABEL[r.kind]}: ${r.notes.join('; ')}`);
}
