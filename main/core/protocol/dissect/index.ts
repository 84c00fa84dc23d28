export { ProtocolViews, SNIFF_LIMIT, GIVE_UP_AFTER } from './protocol-views.ts';
export type { ProtocolViewsOptions, ProtocolChangeListener } from './protocol-views.ts';
export { protocolRecords, protocolRecordsOf } from './records.ts';
export type { ProtocolRecord } from './records.ts';
export { DISSECTORS, dissectorNamed } from './registry.ts';
export { selectByConnection, channelIdOf } from './select.ts';
export { Pairer } from './pairer.ts';
export type { Dissector, ConnectionDissector, Dissected, PairHint } from './types.ts';
export {
  parseProtocolTerm,
  ProtocolFilterContext,
  PROTOCOL_FIELDS,
  mqttTopicMatches,
} from './protocol-filter.ts';
export type { ProtocolTerm, LatencyOp } from './protocol-filter.ts';
export { detailOf } from './detail.ts';
export type { ProtocolDetail } from './detail.ts';
