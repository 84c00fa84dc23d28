import type http from 'node:http';
import type { Entry } from '../../../shared/model/entry.ts';
import type { MockMode } from './mock-schedule.ts';
import type { Recording } from './recording.ts';
import { serializeSseEntry } from './sse-serialize.ts';

/**
 * The SSE half of the mock server: every request gets the recorded events (with their ids,
 * event types and retry values), timed like the recording or, in `answer` mode, at once (an
 * event stream has no client messages to answer). A request with `Last-Event-ID` resumes after
 * the event that carried that id, as a server that honours resumption would; when nothing is
 * left the answer is 204, which tells EventSource to stop reconnecting.
 */
export function sseMockHandler(
  recording: Recording,
  mode: MockMode,
): { handle: http.RequestListener; close(): void } {
  const timers = new Set<NodeJS.Timeout>();
  const responses = new Set<http.ServerResponse>();
  const all = recording.messages.filter((m) => m.direction === 'in');

  const handle: http.RequestListener = (req, res) => {
    const resumeFrom = req.headers['last-event-id'];
    const lastId = Array.isArray(resumeFrom) ? resumeFrom[0] : resumeFrom;
    const events = lastId === undefined ? all : afterId(all, lastId);
    if (events.length === 0) {
      res.writeHead(204).end();
      return;
    }
    const status = recording.connection.response?.status ?? 200;
    res.writeHead(status >= 200 && status < 300 ? status : 200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    responses.add(res);
    res.on('close', () => responses.delete(res));
    // A resumed stream starts where it left off: offsets count from the first event it sends.
    const first = events[0];
    const origin = lastId === undefined || first === undefined ? recording.startedAt : first.time;
    let sent = 0;
    const sendOne = (entry: Entry): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(serializeSseEntry(entry));
      sent += 1;
      if (sent === events.length) res.end();
    };
    if (mode === 'answer') {
      for (const entry of events) sendOne(entry);
      return;
    }
    for (const entry of events) {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          sendOne(entry);
        },
        Math.max(0, entry.time - origin),
      );
      timers.add(timer);
    }
  };

  return {
    handle,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of responses) res.destroy();
    },
  };
}

/** The events after the one whose own `id:` was `lastId` (all of them if no event had it). */
function afterId(events: Entry[], lastId: string): Entry[] {
  let index = -1;
  events.forEach((entry, i) => {
    if (entry.sse?.id === lastId) index = i;
  });
  return index < 0 ? events : events.slice(index + 1);
}
