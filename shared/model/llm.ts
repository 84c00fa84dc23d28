/**
 * What Telltale makes of an LLM token stream: the answer as it is becoming, how it ended and its
 * timing. One `LlmSummary` per answer; an answer spans the connections of a resume chain (an SSE
 * reconnect with `Last-Event-ID` continues the same answer).
 */

/** The wire formats Telltale assembles. */
export type LlmFlavor = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'generic';

/**
 * `streaming` the stream is still open; `complete` the API's end marker arrived (`[DONE]`,
 * `message_stop`, `response.completed`/`incomplete`); `error` the API reported an error (an error
 * event, `response.failed`, an HTTP error status); `aborted` the connection ended without an end
 * marker. The partial answer is kept in every case.
 */
export type LlmEnding = 'streaming' | 'complete' | 'error' | 'aborted';

export interface LlmToolCall {
  /** Position as the API numbers it (chat `index`, Anthropic block `index`, Responses `output_index`). */
  index: number;
  id?: string;
  name: string;
  /** Arguments as received so far (JSON text, possibly unfinished while streaming). */
  arguments: string;
}

export interface LlmUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Reasoning/thinking tokens where the API reports them separately. */
  reasoningTokens?: number;
  cachedInputTokens?: number;
}

export interface LlmError {
  /** The API's error type or code, e.g. `overloaded_error`, `server_error`, `http_500`. */
  type?: string;
  message: string;
  /** Entry that carried the error, when one did. */
  seq?: number;
}

export interface LlmStall {
  /** The content delta that came late. */
  seq: number;
  /** The content delta before it. */
  afterSeq: number;
  gapMs: number;
}

export interface LlmGapStats {
  p50: number;
  p95: number;
  max: number;
}

export interface LlmTiming {
  /** Request start: the first connection's `openedAt`. */
  startedAt: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  /** Time to first token: request start → first content delta (ms). */
  ttftMs?: number;
  /** Request start → the last entry of the answer, or the close of its last connection (ms). */
  durationMs?: number;
  /** Output tokens per second over first → last content delta. */
  tokensPerSecond?: number;
  /** Where the token count came from: the API's usage figures, or one token per content delta. */
  tokensSource: 'usage' | 'deltas';
  /** Content deltas seen (text, thinking, tool-call arguments). */
  deltaCount: number;
  /** Gaps between consecutive content deltas (ms); absent with fewer than two deltas. */
  gaps?: LlmGapStats;
  /** Gaps over the stall threshold (1 s by default), in stream order. */
  stalls: LlmStall[];
}

/** The request side, compact: what was asked and how. */
export interface LlmRequestSummary {
  model?: string;
  stream?: boolean;
  /** System prompt (Anthropic `system`, Responses `instructions`), clipped. */
  system?: string;
  /** Prompt messages in order, each text clipped (see `clipChars`). */
  messages: { role: string; text: string }[];
  /** Names of the tools offered. */
  tools: string[];
  /** Other top-level parameters with scalar values (temperature, max_tokens, top_p, …). */
  parameters: Record<string, string | number | boolean | null>;
}

export interface LlmSummary {
  /** The first connection of the answer (the one the request started on). */
  connectionId: string;
  /** Every connection of the answer, in order (more than one when it was resumed). */
  connectionIds: string[];
  flavor: LlmFlavor;
  model?: string;
  /** The API's id for the response/message. */
  responseId?: string;
  text: string;
  thinking?: string;
  /** Signature of the thinking block(s) (Anthropic), the last one when there are several. */
  thinkingSignature?: string;
  toolCalls: LlmToolCall[];
  stopReason?: string;
  usage?: LlmUsage;
  ending: LlmEnding;
  error?: LlmError;
  timing: LlmTiming;
  request?: LlmRequestSummary;
  /** First and last entry of the answer. */
  firstSeq?: number;
  lastSeq?: number;
  /** Events skipped because the same event id was already seen (a reconnect that replayed). */
  replayedEvents: number;
}

/** How a connection is to be read, when the user says (or to force generic mode). */
export interface LlmModeOverride {
  flavor: LlmFlavor;
  /** Generic mode: where the text is in each event's JSON, e.g. `choices[0].text` or `$.token`. */
  textPath?: string;
}
