import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InspectorApi, ProtocolEntryDetail } from '../../../../shared/api.ts';
import type { Direction } from '../../../../shared/model/entry.ts';
import type {
  ProtocolFieldValue,
  ProtocolName,
  ProtocolPair,
} from '../../../../shared/model/protocol.ts';
import { makeRequestDetail } from '../../timeline/test-protocols.ts';
import { ProtocolTables } from './ProtocolTables.tsx';
import { buildTables } from './tables.ts';
import { loadChannelDetails } from './useChannelDetails.ts';

afterEach(cleanup);

function entry(
  seq: number,
  direction: Direction,
  protocol: ProtocolName,
  kind: string,
  fields: Record<string, ProtocolFieldValue>,
  pairs: ProtocolPair[] = [],
): ProtocolEntryDetail {
  return {
    annotation: {
      seq,
      connectionId: 'c1',
      direction,
      time: seq * 10,
      messages: [{ protocol, kind, index: 0, summary: kind, fields }],
    },
    trees: [],
    pairs,
  };
}

function pair(kind: string, request: number, answer: number, protocol: ProtocolName): ProtocolPair {
  return {
    protocol,
    kind,
    channelId: 'ch1',
    key: String(request),
    request: { seq: request, index: 0, connectionId: 'c1', time: request * 10 },
    answer: { seq: answer, index: 0, connectionId: 'c1', time: answer * 10 },
    latencyMs: (answer - request) * 10,
  };
}

describe('buildTables', () => {
  it('lists JSON-RPC calls with their status and latency: ok, error, pending', () => {
    const ok = pair('call', 1, 2, 'jsonrpc');
    const failed = pair('call', 3, 5, 'jsonrpc');
    const tables = buildTables([
      entry(1, 'out', 'jsonrpc', 'request', { method: 'tools/list', id: 1 }, [ok]),
      entry(2, 'in', 'jsonrpc', 'response', { id: 1, result: '[]' }, [ok]),
      entry(3, 'out', 'jsonrpc', 'request', { method: 'tools/call', id: 2 }, [failed]),
      entry(4, 'out', 'jsonrpc', 'request', { method: 'slow', id: 3 }),
      entry(5, 'in', 'jsonrpc', 'error', { id: 2, errorCode: -32601, errorMessage: 'nope' }, [
        failed,
      ]),
      entry(6, 'out', 'jsonrpc', 'notification', { method: 'ping' }),
    ]);
    expect(tables.calls.map((c) => [c.method, c.id, c.status, c.latencyMs, c.error])).toEqual([
      ['tools/list', '1', 'ok', 10, undefined],
      ['tools/call', '2', 'error', 20, '-32601 nope'],
      ['slow', '3', 'pending', undefined, undefined],
    ]);
    expect(tables.counts).toBeNull();
  });

  it('marks a call answered when its answer is older than the entries read', () => {
    const far = pair('call', 1, 900, 'jsonrpc');
    const tables = buildTables([
      entry(1, 'out', 'jsonrpc', 'request', { method: 'm', id: 1 }, [far]),
    ]);
    expect(tables.calls[0]?.status).toBe('answered');
    expect(tables.calls[0]?.answer?.seq).toBe(900);
  });

  it('builds GraphQL operations: results, time to first result, how each ended', () => {
    const first = pair('first-result', 1, 2, 'graphql-transport-ws');
    const g = 'graphql-transport-ws' as const;
    const tables = buildTables([
      entry(1, 'out', g, 'subscribe', { id: 'a', opType: 'subscription', op: 'OnMessage' }, [
        first,
      ]),
      entry(2, 'in', g, 'next', { id: 'a' }, [first]),
      entry(3, 'in', g, 'next', { id: 'a' }),
      entry(4, 'out', g, 'subscribe', { id: 'b', opType: 'query', op: 'Me' }),
      entry(5, 'out', g, 'complete', { id: 'a' }),
      entry(6, 'in', g, 'error', { id: 'b', errors: 1, errorMessage: 'denied' }),
      entry(7, 'out', g, 'subscribe', { id: 'c', opType: 'query' }),
    ]);
    expect(
      tables.operations.map((o) => [o.id, o.type, o.name, o.results, o.firstResultMs, o.ended]),
    ).toEqual([
      ['a', 'subscription', 'OnMessage', 2, 10, 'cancelled'],
      ['b', 'query', 'Me', 0, undefined, 'error'],
      ['c', 'query', '', 0, undefined, 'open'],
    ]);
  });

  it('counts Socket.IO events by name and namespace, busiest first', () => {
    const tables = buildTables([
      entry(1, 'out', 'socketio', 'EVENT', { ns: '/', event: 'chat' }),
      entry(2, 'in', 'socketio', 'EVENT', { ns: '/', event: 'chat' }),
      entry(3, 'in', 'socketio', 'EVENT', { ns: '/admin', event: 'kick' }),
      entry(4, 'in', 'socketio', 'ACK', { ns: '/', ackId: 1 }),
    ]);
    expect(tables.counts?.title).toBe('Event');
    expect(tables.counts?.rows.map((r) => [r.key, r.out, r.in, r.last.seq])).toEqual([
      ['chat', 1, 1, 2],
      ['/admin kick', 0, 1, 3],
    ]);
  });

  it('counts MQTT topics and STOMP destinations', () => {
    expect(
      buildTables([entry(1, 'in', 'mqtt', 'PUBLISH', { topic: 'a/b', qos: 1 })]).counts?.rows[0]
        ?.key,
    ).toBe('a/b');
    expect(
      buildTables([entry(1, 'out', 'stomp', 'SEND', { dest: '/queue/a' })]).counts?.title,
    ).toBe('Destination');
  });
});

describe('ProtocolTables', () => {
  it('renders calls with status and latency, each seq opening its entry', () => {
    const onSeq = vi.fn();
    const request = makeRequestDetail();
    const answer = entry(5, 'in', 'jsonrpc', 'response', { id: 4 }, request.pairs);
    render(<ProtocolTables tables={buildTables([request, answer])} onSeq={onSeq} />);
    const calls = screen.getByRole('region', { name: 'Calls' });
    expect(calls.textContent).toContain('tools/call');
    expect(calls.textContent).toContain('ok');
    expect(calls.textContent).toContain('42 ms');
    fireEvent.click(screen.getByRole('button', { name: '#5' }));
    expect(onSeq).toHaveBeenCalledWith(5, 'c1');
  });

  it('says when there is nothing to tabulate', () => {
    render(<ProtocolTables tables={buildTables([])} onSeq={vi.fn()} />);
    expect(screen.getByText(/No calls, operations/)).toBeTruthy();
  });
});

describe('loadChannelDetails', () => {
  it('reads the channel in one request, hands each entry the pairs it ends, and says how many it left out', async () => {
    const asked: [string, number | undefined][] = [];
    const call = pair('call', 3, 5, 'jsonrpc');
    const api = {
      getChannelMessages: (channelId: string, limit?: number) => {
        asked.push([channelId, limit]);
        return Promise.resolve({
          channelId,
          annotations: [3, 4, 5].map(
            (seq) => entry(seq, 'out', 'jsonrpc', 'request', {}).annotation,
          ),
          pairs: [call],
          total: 10,
        });
      },
    } as unknown as InspectorApi;
    const { details, cut } = await loadChannelDetails(api, 'ch1', 3);
    expect(asked).toEqual([['ch1', 3]]);
    expect(details.map((d) => [d.annotation.seq, d.pairs.length])).toEqual([
      [3, 1],
      [4, 0],
      [5, 1],
    ]);
    expect(cut).toBe(7);
  });

  it('an unknown channel has no rows', async () => {
    const api = { getChannelMessages: () => Promise.resolve(null) } as unknown as InspectorApi;
    expect(await loadChannelDetails(api, 'gone')).toEqual({ details: [], cut: 0 });
  });
});
