/** The filter language: parse, print and describe filters (evaluation lives in main/core/filter). */
export type {
  CompareOp,
  FilterAst,
  FilterError,
  FilterNode,
  FilterTerm,
  HasWhat,
  JsonPathSegment,
  JsonTest,
  ParseResult,
  ProtocolFieldName,
  ProtocolFilterTerm,
  SizeMeasure,
  TextPattern,
} from './ast.ts';
export { HAS_VALUES, PROTOCOL_FIELD_NAMES, isProtocolTerm } from './ast.ts';
export { parseFilter, MAX_FILTER_DEPTH } from './parser.ts';
export { stringifyFilter } from './stringify.ts';
export { describeFilter, formatBytes } from './describe.ts';
export { formatJsonPath, selectJsonPath } from './json-path.ts';
export { ENTRY_KINDS, FIELD_NAMES, KIND_GROUPS } from './fields.ts';
