/** How protocol values read in the UI. */
import type { ProtocolFieldValue } from '../../../../shared/model/protocol.ts';

const longField = 200;

/** Fields may hold whole JSON texts (`args`, `params`): cut them to one readable line. */
export function formatFieldValue(value: ProtocolFieldValue): string {
  const text = value === null ? 'null' : String(value);
  return text.length > longField ? `${text.slice(0, longField)}…` : text;
}

export function formatLatency(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${String(Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
