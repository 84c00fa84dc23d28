export { DiagnosticsEngine } from './engine.ts';
export { LiveDiagnostics } from './live.ts';
export type { FindingsListener, LiveDiagnosticsOptions } from './live.ts';
export { diagnoseStore, diagnosticRecords } from './records.ts';
export type { DiagnosticRecord } from './records.ts';
export { RULES } from './catalog.ts';
export type { RuleInfo } from './catalog.ts';
export { RULE, resolveOptions } from './types.ts';
export type * from './types.ts';
