/**
 * A recorded connection as replay and mock servers read it: which connection, when it opened,
 * and its messages split by side. One place decides what counts as "a message" of a recording:
 * WebSocket text and binary messages (control frames are the transport's business: `ws` answers
 * pings and runs the closing handshake itself) and SSE events and comments.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import type { SessionStore } from '../session/store.ts';

export type ReplayErrorCode =
  'replay.no-connection' | 'replay.ambiguous-connection' | 'replay.not-replayable';

/** A recording that cannot be used as asked; `code` is stable for the CLI and the API. */
export class ReplayError extends Error {
  readonly code: ReplayErrorCode;
  constructor(code: ReplayErrorCode, message: string) {
    super(message);
    this.name = 'ReplayError';
    this.code = code;
  }
}

export interface Recording {
  connection: Connection;
  /** Epoch ms the conversation started (the `open` lifecycle entry, else `openedAt`). */
  startedAt: number;
  /** Messages in recorded order. */
  messages: Entry[];
  /** The server's close frame, when the server sent one (WebSocket). */
  serverClose?: { time: number; code: number; reason: string };
}

const replayable = (c: Connection): boolean => c.kind === 'ws' || c.kind === 'sse';

/**
 * The connection to replay or mock. `which` may be a connection id, the 1-based position of a
 * WebSocket/SSE connection in the file, or a piece of its URL that only one of them has (a HAR
 * saved by Chrome gets new ids on every import, so ids alone would not do). Absent: the only
 * WebSocket or SSE connection of the store. Throws ReplayError naming the candidates otherwise.
 */
export function pickConnection(store: SessionStore, which?: string): Connection {
  const candidates = store.connections().filter(replayable);
  const list = (): string =>
    candidates.map((c, i) => `#${String(i + 1)} ${c.id} (${c.kind} ${c.url})`).join(', ');
  if (which !== undefined) {
    const byId = store.getConnection(which);
    if (byId !== undefined) {
      if (!replayable(byId)) {
        throw new ReplayError(
          'replay.not-replayable',
          `connection "${which}" is ${byId.kind}: only WebSocket and SSE connections replay`,
        );
      }
      return byId;
    }
    const position = /^#?(\d+)$/.exec(which)?.[1];
    const byPosition = position === undefined ? undefined : candidates[Number(position) - 1];
    if (byPosition !== undefined) return byPosition;
    const byUrl = candidates.filter((c) => c.url.includes(which));
    const [onlyUrl] = byUrl;
    if (onlyUrl !== undefined && byUrl.length === 1) return onlyUrl;
    throw new ReplayError(
      byUrl.length > 1 ? 'replay.ambiguous-connection' : 'replay.no-connection',
      `no connection "${which}" in the session${candidates.length > 0 ? `; WebSocket/SSE connections: ${list()}` : ''}`,
    );
  }
  const [only] = candidates;
  if (only === undefined) {
    throw new ReplayError(
      'replay.no-connection',
      'the session holds no WebSocket or SSE connection',
    );
  }
  if (candidates.length > 1) {
    throw new ReplayError(
      'replay.ambiguous-connection',
      `the session holds ${String(candidates.length)} WebSocket/SSE connections; pick one with --connection (id, #position or part of its URL): ${list()}`,
    );
  }
  return only;
}

export function isMessage(entry: Entry): boolean {
  return (
    entry.kind === 'text' ||
    entry.kind === 'binary' ||
    entry.kind === 'event' ||
    entry.kind === 'comment'
  );
}

export function readRecording(store: SessionStore, connectionId?: string): Recording {
  const connection = pickConnection(store, connectionId);
  const messages: Entry[] = [];
  let openAt: number | undefined;
  let serverClose: Recording['serverClose'];
  for (const entry of store.entriesOf(connection.id)) {
    if (entry.kind === 'lifecycle' && entry.lifecycle === 'open') openAt ??= entry.time;
    if (entry.kind === 'close' && entry.direction === 'in' && entry.close && !serverClose) {
      serverClose = { time: entry.time, code: entry.close.code, reason: entry.close.reason };
    }
    // Dropped by a breakpoint: the peer never saw it, so it is not part of the conversation.
    if (isMessage(entry) && entry.intervention !== 'dropped') messages.push(entry);
  }
  const recording: Recording = { connection, startedAt: openAt ?? connection.openedAt, messages };
  if (serverClose) recording.serverClose = serverClose;
  return recording;
}

/** Header lookup, case-insensitive; repeated headers joined with ", ". */
export function headerOf(headers: Connection['requestHeaders'], name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(', ');
}
