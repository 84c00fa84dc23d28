/**
 * The service hands its protocol views to the breakpoint rules: a rule in protocol words set
 * through the API holds the matching message of a proxied connection, in the first session and
 * in the one after `clearSession` (new store, new views), and the service reports its findings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BreakpointState } from '../../../shared/model/replay.ts';
import { wsUpstream, type Cleanup } from '../proxy/test-support.ts';
import { InspectorService } from '../service.ts';
import { waitFor } from '../testing/loopback.ts';

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('breakpoint rules in protocol words through the service', () => {
  it('`rpc.method:tools/call` pauses the call, in this session and the next', async () => {
    const got: string[] = [];
    const upstream = await wsUpstream(cleanups, {}, (socket) => {
      socket.on('message', (data: Buffer) => got.push(data.toString()));
    });
    const service = new InspectorService({ version: 'test', host: 'test', batchIntervalMs: 5 });
    cleanups.push(() => service.shutdown());
    let paused: BreakpointState['paused'] = [];
    service.onBreakpoints((state) => {
      paused = state.paused;
    });
    const proxy = await service.startProxy({
      port: 0,
      target: `http://127.0.0.1:${upstream.port}`,
    });
    await service.setBreakpointRules([
      { id: 'calls', filter: 'proto:jsonrpc rpc.method:tools/call', action: 'pause' },
    ]);
    for (const round of [1, 2]) {
      if (round === 2) await service.clearSession();
      got.length = 0;
      const ws = new WebSocket(`${(proxy.url ?? '').replace('http:', 'ws:')}/rpc`, 'jsonrpc');
      cleanups.push(() => {
        ws.terminate();
      });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
      ws.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"round":${round}}}`);
      await waitFor(() => got.length >= 1, 3000, 'the list call');
      await waitFor(() => paused.length === 1, 3000, 'the pause');
      expect(paused[0]).toMatchObject({ ruleId: 'calls', direction: 'out' });
      expect((await service.getBreakpoints()).paused).toHaveLength(1);
      expect(got).toEqual(['{"jsonrpc":"2.0","id":1,"method":"tools/list"}']);
      await service.resolvePaused(paused[0]?.id ?? '', 'forward');
      await waitFor(() => got.length === 2, 3000, 'the call');
      ws.close();
    }
  });
});
