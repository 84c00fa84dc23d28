export { SseDecoder, DEFAULT_MAX_EVENT_SIZE } from './sse-decoder.ts';
export type { SseDecoderOptions } from './sse-decoder.ts';
export { SseNoteCode } from './sse-output.ts';
export type {
  SseOutput,
  SseEventOutput,
  SseCommentOutput,
  SseRetryOutput,
  SseIncompleteOutput,
} from './sse-output.ts';
export { sseOutputToEntry } from './to-entry.ts';
export type { SseEntryContext } from './to-entry.ts';
