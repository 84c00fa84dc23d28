/**
 * What a mock server sends and when, worked out once from a recording so the socket code only
 * follows a plan. Two ways to play the server's side:
 * - `timed`: every server message at its recorded offset from the start of the conversation;
 * - `answer`: the messages the server sent before the client's first message go out at once,
 *   then each client message releases the server messages that followed the matching client
 *   message in the recording (so a client that asks gets the recorded answer, at its own pace).
 */
import type { Entry } from '../../../shared/model/entry.ts';
import type { Recording } from './recording.ts';

export type MockMode = 'timed' | 'answer';

export interface TimedStep {
  /** Milliseconds after the client connected. */
  at: number;
  entry: Entry;
}

export function timedPlan(recording: Recording): TimedStep[] {
  return recording.messages
    .filter((m) => m.direction === 'in')
    .map((entry) => ({ at: Math.max(0, entry.time - recording.startedAt), entry }));
}

/** `groups[0]` goes out on connect; `groups[k]` after the client's k-th message. */
export function answerPlan(recording: Recording): Entry[][] {
  const groups: Entry[][] = [[]];
  for (const message of recording.messages) {
    if (message.direction === 'out') groups.push([]);
    else groups[groups.length - 1]?.push(message);
  }
  return groups;
}
