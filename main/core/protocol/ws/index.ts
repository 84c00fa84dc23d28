export { WsFrameDecoder } from './frame-decoder.ts';
export {
  WS_DEFAULT_MAX_FRAGMENTS,
  WS_DEFAULT_MAX_INFLATED_SIZE,
  WS_DEFAULT_MAX_PAYLOAD,
  WS_MAX_CONSECUTIVE_BAD_FRAMES,
} from './frame-decoder.ts';
export type { WsDecoderState } from './frame-decoder.ts';
export { WS_NOTE } from './notes.ts';
export type { WsNoteCode } from './notes.ts';
export {
  inflaterFor,
  parsePerMessageDeflate,
  PerMessageInflater,
  PERMESSAGE_DEFLATE,
} from './permessage-deflate.ts';
export type { InflateResult, PerMessageDeflateParams } from './permessage-deflate.ts';
export type {
  DecodedWsMessage,
  WsFrameDecoderOptions,
  WsMessageKind,
  WsMessageListener,
} from './types.ts';
