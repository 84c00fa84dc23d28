/**
 * Each SSE rule against a real misbehaving server on loopback, recorded through the proxy; and a
 * well-behaved server that triggers nothing.
 */
import { gzipSync } from 'node:zlib';
import { EventSource } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sseBlock } from '../llm/test-wire.ts';
import { waitFor } from '../testing/loopback.ts';
import { diagnoseStore } from './records.ts';
import { allEnded, proxiedStreams, readStream, type Cleanup } from './test-support.ts';
import type { DiagnosticsOptions, Finding } from './types.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Short thresholds: no real 30 s waits. */
const fast: DiagnosticsOptions = { idleTimeoutsMs: [150, 300], burstQuietMs: 80 };

const good = (from: number, count: number) =>
  Array.from(
    { length: count },
    (_, i) =>
      `${i === 0 && from === 1 ? 'retry: 2000\n' : ''}${sseBlock({ id: String(from + i), data: { n: from + i } })}`,
  );

const rules = (findings: Finding[]) => findings.map((f) => f.rule);

describe('SSE diagnostics', () => {
  it('a well-behaved stream (ids, retry, no-cache, keep-alive comments through a quiet spell) has no findings', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: [
        ...good(1, 3),
        ': keep-alive\n\n',
        ': keep-alive\n\n',
        ': keep-alive\n\n',
        ...good(4, 3),
      ],
      gapMs: (i) => (i >= 2 && i <= 5 ? 100 : 10),
    }));
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    // 400 ms without an event, kept alive by comments 100 ms apart: under a 250 ms timeout.
    expect(diagnoseStore(store, { ...fast, idleTimeoutsMs: [250, 500] })).toEqual([]);
  });

  it('sse.content-type: a stream asked for and served as application/json', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: good(1, 2),
      headers: { 'Content-Type': 'application/json' },
    }));
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    const [finding, ...rest] = diagnoseStore(store, fast);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule: 'sse.content-type',
      severity: 'error',
      evidence: {
        headers: [
          ['accept', 'text/event-stream'],
          ['Content-Type', 'application/json'],
        ],
      },
    });
  });

  it('sse.not-utf8: a latin-1 charset and bytes that are not UTF-8', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: [
        ...good(1, 1),
        Buffer.concat([Buffer.from('id: 2\ndata: caf'), Buffer.from([0xe9]), Buffer.from('\n\n')]),
      ],
      headers: { 'Content-Type': 'text/event-stream; charset=iso-8859-1' },
    }));
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    const findings = diagnoseStore(store, fast);
    expect(rules(findings)).toEqual(['sse.not-utf8']);
    const bad = [...store.allEntries()].find((e) => e.kind === 'event' && e.sse?.id === '2');
    expect(findings[0]?.evidence.seqs).toEqual([bad?.seq]);
    expect(findings[0]?.message).toContain('iso-8859-1');
  });

  it('sse.no-cache-control: missing, and present without no-cache', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, (_r, i) => ({
      blocks: good(1, 2),
      ...(i === 0
        ? { omitHeaders: ['Cache-Control'] }
        : { headers: { 'Cache-Control': 'public, max-age=60' } }),
    }));
    await readStream(`${proxyUrl}/a`);
    await readStream(`${proxyUrl}/b`);
    await allEnded(store);
    const findings = diagnoseStore(store, fast);
    expect(rules(findings)).toEqual(['sse.no-cache-control', 'sse.no-cache-control']);
    expect(findings[1]?.evidence.headers).toEqual([['Cache-Control', 'public, max-age=60']]);
  });

  it('sse.buffering: events in clumps after silences (a buffering proxy), and a gzip-compressed stream', async () => {
    const clump = (from: number) => good(from, 4).join('');
    const body = gzipSync(good(1, 3).join(''));
    const { store, proxyUrl } = await proxiedStreams(cleanups, (_r, i) =>
      i === 0
        ? { blocks: [clump(1), clump(5), clump(9)], gapMs: 300 }
        : { blocks: [body], headers: { 'Content-Encoding': 'gzip' } },
    );
    await readStream(`${proxyUrl}/clumps`);
    await readStream(`${proxyUrl}/gzip`, { 'accept-encoding': 'gzip' });
    await allEnded(store);
    // Wide margins (300 ms silences, a 50 ms clump window) so a loaded machine reads the same.
    const findings = diagnoseStore(store, {
      ...fast,
      idleTimeoutsMs: [5000, 10_000],
      burstWindowMs: 50,
    });
    expect(rules(findings)).toEqual(['sse.buffering', 'sse.buffering']);
    expect(findings[0]?.message).toMatch(/3 bursts/);
    expect(findings[0]?.evidence.seqs).toHaveLength(3);
    expect(findings[1]?.message).toContain('Content-Encoding: gzip');
  });

  it('sse.idle-gap: a quiet spell longer than the idle timeouts', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: good(1, 2),
      gapMs: (i) => (i === 0 ? 320 : 5),
    }));
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    const [finding, ...rest] = diagnoseStore(store, fast);
    expect(rest).toEqual([]);
    expect(finding?.rule).toBe('sse.idle-gap');
    expect(finding?.message).toMatch(/longer than idle timeouts of 150 ms and 300 ms/);
    const events = [...store.allEntries()].filter((e) => e.kind === 'event').map((e) => e.seq);
    expect(finding?.evidence.seqs).toEqual(events);
  });

  it('sse.no-event-id and sse.no-retry: a stream that cannot be resumed', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({
      blocks: [sseBlock({ data: 'a' }), sseBlock({ data: 'b' })],
    }));
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    const findings = diagnoseStore(store, fast);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ['sse.no-event-id', 'info'],
      ['sse.no-retry', 'info'],
    ]);
  });

  it('sse.reconnect-storm: EventSource against a stream that ends at once, retry 1 ms', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, (_r, i) => ({
      blocks: [`retry: 1\n${sseBlock({ id: String(i + 1), data: 'bye' })}`],
    }));
    const source = new EventSource(`${proxyUrl}/feed`);
    cleanups.push(() => {
      source.close();
    });
    await waitFor(() => store.connections().length >= 6, 5000, 'six reconnects');
    source.close();
    await allEnded(store);
    const findings = diagnoseStore(store, { ...fast, stormConnections: 5, stormWindowMs: 2000 });
    expect(rules(findings)).toEqual(['sse.reconnect-storm']);
    expect(findings[0]?.connectionId).toBe(store.connections()[0]?.id);
  });

  it('sse.reconnect-without-last-event-id: a custom client that reconnects from scratch', async () => {
    const { store, proxyUrl } = await proxiedStreams(cleanups, () => ({ blocks: good(1, 2) }));
    await readStream(`${proxyUrl}/feed`);
    await readStream(`${proxyUrl}/feed`);
    await allEnded(store);
    const findings = diagnoseStore(store, fast);
    expect(rules(findings)).toEqual(['sse.reconnect-without-last-event-id']);
    expect(findings[0]?.connectionId).toBe(store.connections()[1]?.id);
    expect(findings[0]?.message).toContain('"2"');
  });

  it('sse.reconnect-replay: EventSource resumes with Last-Event-ID, the server starts over; resuming right finds nothing', async () => {
    for (const replay of [true, false]) {
      const { store, proxyUrl, upstream } = await proxiedStreams(cleanups, (_r, i) =>
        i === 0
          ? {
              blocks: [
                `retry: 5\n${sseBlock({ id: '1', data: 'a' })}`,
                sseBlock({ id: '2', data: 'b' }),
              ],
            }
          : { blocks: replay ? good(1, 3) : good(3, 1), keepOpen: true },
      );
      const source = new EventSource(`${proxyUrl}/feed`);
      cleanups.push(() => {
        source.close();
      });
      await waitFor(() => upstream.requests.length === 2, 5000, 'the reconnect');
      await waitFor(
        () => [...store.allEntries()].filter((e) => e.kind === 'event').length === (replay ? 5 : 3),
        5000,
        'the events',
      );
      source.close();
      expect(upstream.requests[1]?.headers['last-event-id']).toBe('2');
      await allEnded(store);
      const findings = diagnoseStore(store, fast);
      if (replay) {
        expect(rules(findings)).toEqual(['sse.reconnect-replay']);
        expect(findings[0]?.evidence.seqs).toHaveLength(2);
        expect(findings[0]?.evidence.headers).toEqual([['last-event-id', '2']]);
      } else {
        expect(findings).toEqual([]);
      }
    }
  });

  it('sse.http1-connection-limit: six concurrent streams to one origin (five are fine)', async () => {
    for (const count of [6, 5]) {
      const { store, proxyUrl, upstream } = await proxiedStreams(cleanups, () => ({
        blocks: good(1, 1),
        keepOpen: true,
      }));
      const controller = new AbortController();
      const reads = Array.from({ length: count }, (_, i) =>
        fetch(`${proxyUrl}/feed/${i}`, {
          headers: { accept: 'text/event-stream' },
          signal: controller.signal,
        })
          // Held open until the abort below: the streams overlap.
          .then((r) => r.text())
          .catch(() => undefined),
      );
      await waitFor(() => upstream.requests.length === count, 5000, 'the streams');
      await waitFor(
        () => store.connections().filter((c) => c.kind === 'sse').length === count,
        5000,
        'the streams recorded',
      );
      controller.abort();
      await Promise.all(reads);
      await allEnded(store);
      const findings = diagnoseStore(store, fast).filter(
        (f) => f.rule === 'sse.http1-connection-limit',
      );
      expect(findings.map((f) => f.message)).toEqual(
        count === 6
          ? [
              expect.stringMatching(
                /^6 event streams to http:\/\/127\.0\.0\.1:\d+ were open at once/,
              ),
            ]
          : [],
      );
    }
  });
});
