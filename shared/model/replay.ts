/**
 * Replay, injection and breakpoints as the UI sees them (plain JSON: payloads are text, or
 * base64 with `payloadEncoding`). The engine is main/core/replay (docs/replay.md).
 */
import type { HeaderList } from './connection.ts';
import type { Direction, EntryKind } from './entry.ts';

/** A message Telltale sends itself (resend, injection, edited forward). */
export type SentMessage =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; base64: string }
  | { kind: 'event'; data: string; event?: string; id?: string };

export interface BreakpointRule {
  id: string;
  /** Filter language text; '' matches every message. */
  filter: string;
  action: 'pause' | 'drop' | 'rewrite';
  /** `rewrite`: the text forwarded instead. */
  replacement?: string;
  enabled?: boolean;
}

export interface HandshakeRule {
  id: string;
  /** `*` wildcards over the whole upgrade URL; absent: every upgrade. */
  url?: string;
  set?: HeaderList;
  add?: HeaderList;
  remove?: string[];
  enabled?: boolean;
}

export interface PausedMessage {
  id: string;
  connectionId: string;
  direction: Direction;
  kind: EntryKind;
  payload: string;
  payloadEncoding?: 'base64';
  ruleId: string;
  pausedAt: number;
  /** When it goes on unchanged if nobody decides. */
  timeoutAt: number;
}

export interface BreakpointState {
  rules: BreakpointRule[];
  handshakeRules: HandshakeRule[];
  paused: PausedMessage[];
}

export interface ReplayRequest {
  connectionId: string;
  /** Another endpoint than the recorded one. */
  url?: string;
  /** `timed` (scaled by speed), `fast` (as fast as possible), `step` (each after the reply). */
  mode?: 'timed' | 'fast' | 'step';
  speed?: number;
}

export interface ReplayDifference {
  index: number;
  kind: 'changed' | 'missing' | 'extra';
  recordedSeq?: number;
  replayedSeq?: number;
  recorded?: string;
  replayed?: string;
}

export interface ReplayResult {
  /** The new run's connection (source `replay`, `replayOf` set). */
  connectionId: string;
  replayOf: string;
  sent: number;
  comparison: {
    recorded: number;
    replayed: number;
    matched: number;
    differences: ReplayDifference[];
  };
}

export interface MockInfo {
  id: string;
  /** The recorded connection it serves. */
  connectionId: string;
  kind: 'ws' | 'sse';
  url: string;
  mode: 'timed' | 'answer';
}
