import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedRecords } from './derived-records.ts';
import { writeNdjsonFile } from './session/ndjson-export.ts';
import { openSessionFile } from './session/session-file.ts';
import { SessionStore } from './session/store.ts';

function chunk(content: string | null, finish: string | null = null): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-test',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
  });
}

describe('derived records in an NDJSON export', () => {
  it('adds an llm summary and diagnostics findings after the entries, and readers still open it', async () => {
    const store = new SessionStore();
    const t0 = 1_700_000_000_000;
    store.addConnection({
      id: 'c1',
      kind: 'sse',
      source: 'client',
      url: 'http://127.0.0.1:9/v1/chat/completions',
      method: 'POST',
      requestHeaders: [['Accept', 'text/event-stream']],
      requestBody: JSON.stringify({
        model: 'gpt-test',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      response: { status: 200, statusText: 'OK', headers: [['Content-Type', 'text/event-stream']] },
      state: 'closed',
      openedAt: t0,
      closedAt: t0 + 50,
      bytesIn: 0,
      bytesOut: 0,
    });
    const data = [chunk('Hel'), chunk('lo'), chunk(null, 'stop'), '[DONE]'];
    data.forEach((payload, i) => {
      store.append({
        connectionId: 'c1',
        time: t0 + 10 + i,
        direction: 'in',
        kind: 'event',
        payload,
        payloadSize: payload.length,
        wireSize: payload.length + 8,
        sse: { event: 'message', lastEventId: '' },
      });
    });
    const path = join(await mkdtemp(join(tmpdir(), 'telltale-derived-')), 'out.ndjson');
    await writeNdjsonFile(path, store, { extraRecords: derivedRecords(store) });

    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; text?: string; rule?: string });
    const types = lines.map((line) => line.type);
    expect(types.lastIndexOf('entry')).toBeLessThan(types.indexOf('llm'));
    expect(lines.find((line) => line.type === 'llm')).toMatchObject({
      connectionId: 'c1',
      text: 'Hello',
    });
    expect(lines.filter((line) => line.type === 'diagnostic').map((line) => line.rule)).toContain(
      'sse.no-cache-control',
    );

    // Readers skip them (they are recomputed from the entries); nothing else changes.
    const reopened = await openSessionFile(path);
    expect(reopened.store.size).toBe(4);
    expect(reopened.notes).toEqual([]);
  });
});
