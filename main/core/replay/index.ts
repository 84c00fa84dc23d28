/** Replay, resend, mock servers and the breakpoint rules (see docs/replay.md). */
export { startMockServer } from './mock-server.ts';
export type { MockMode, MockServerHandle, MockServerOptions } from './mock-server.ts';
export { replayConnection, replayHeaders } from './replay-runner.ts';
export type { ReplayMode, ReplayOptions, ReplayRun } from './replay-runner.ts';
export { compareServerMessages } from './compare.ts';
export type { ReplayComparison, ReplayDifference } from './compare.ts';
export { proxyLiveSender, resendEntry, ResendError } from './resend.ts';
export type { LiveSender, ResendOptions, ResendResult } from './resend.ts';
export { BreakpointController, RuleError } from './breakpoints.ts';
export type {
  HandshakeRule,
  MessageRule,
  PausedMessage,
  PauseResolution,
  RuleAction,
  Verdict,
} from './breakpoints.ts';
export { outgoingFromEntry } from './outgoing.ts';
export type { OutgoingMessage } from './outgoing.ts';
export { pickConnection, readRecording, ReplayError } from './recording.ts';
export type { Recording, ReplayErrorCode } from './recording.ts';
export { loadRecordingFile } from './load.ts';
