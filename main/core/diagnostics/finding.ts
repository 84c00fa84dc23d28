import type { HeaderList } from '../../../shared/model/connection.ts';
import { RULES } from './catalog.ts';
import type { Finding, RuleId, Severity } from './types.ts';

export function finding(
  rule: RuleId,
  connectionId: string,
  message: string,
  evidence: { seqs?: number[]; headers?: HeaderList } = {},
  severity?: Severity,
): Finding {
  const info = RULES[rule];
  return {
    rule,
    severity: severity ?? info.severity,
    connectionId,
    evidence: { seqs: [...(evidence.seqs ?? [])], headers: evidence.headers ?? [] },
    message,
    fix: info.fix,
  };
}

export function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
