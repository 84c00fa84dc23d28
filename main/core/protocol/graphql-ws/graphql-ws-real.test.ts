/**
 * The graphql-transport-ws dissector against the real libraries: a `graphql-ws` server (`ws`
 * transport) behind Telltale's reverse proxy, a `graphql-ws` client in front. The operations
 * the dissector rebuilds must be what the client ran and received.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import * as graphql from 'graphql';
import { execute, getOperationAST, parse, subscribe, validate } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { listenLoopback, waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { graphqlOperations } from './operations.ts';
import { testSchema } from './test-schema.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const schema = testSchema(graphql);

/** What the client saw of one operation. */
interface Run {
  query: string;
  variables?: Record<string, unknown>;
  results: unknown[];
  ended: 'complete' | 'error' | 'cancelled';
}

/** Runs one operation to its end; `cancelAfter` results, the client completes it itself. */
function run(
  client: Client,
  query: string,
  variables: Record<string, unknown> | undefined,
  cancelAfter?: number,
): Promise<Run> {
  return new Promise((resolve) => {
    const out: Run = { query, results: [], ended: 'complete' };
    if (variables !== undefined) out.variables = variables;
    const unsubscribe = client.subscribe(
      variables === undefined ? { query } : { query, variables },
      {
        next(value) {
          out.results.push(value);
          if (out.results.length === cancelAfter) {
            out.ended = 'cancelled';
            unsubscribe();
            resolve(out);
          }
        },
        error() {
          out.ended = 'error';
          resolve(out);
        },
        complete() {
          resolve(out);
        },
      },
    );
  });
}

describe('graphql-transport-ws dissection of the real libraries through the proxy', () => {
  it('a query, a subscription to its end and a cancelled one match what the client received', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server, path: '/graphql' });
    // Vitest resolves `graphql` with the `development` condition, Node (loading graphql-ws)
    // without it: two instances of graphql. The server is handed this file's instance.
    const serverCleanup = useServer({ schema, parse, validate, execute, subscribe }, wss);
    const upstream = await listenLoopback(server);
    cleanups.push(async () => {
      await serverCleanup.dispose();
      await upstream.close();
    });

    const store = new SessionStore({ batchIntervalMs: 1 });
    const views = new ProtocolViews(store);
    cleanups.push(() => {
      views.dispose();
    });
    const proxy = await startProxy(store, {
      port: 0,
      target: `http://127.0.0.1:${upstream.port}`,
    });
    cleanups.push(() => proxy.close());

    const client = createClient({
      url: `${proxy.url.replace('http:', 'ws:')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      // One connection for all operations (a lazy client reconnects per operation).
      lazy: false,
    });
    cleanups.push(() => client.dispose());

    const runs = [
      await run(client, 'query Hello($name: String) { hello(name: $name) }', { name: 'tt' }),
      await run(client, 'subscription Count { count(to: 3) }', undefined),
      await run(client, 'subscription Forever { count(to: 1000, everyMs: 200) }', undefined, 1),
    ];
    expect(runs.map((r) => r.results.length)).toEqual([1, 3, 1]);

    // The client's `complete` of the cancelled one is sent as it unsubscribes: wait for it.
    await waitFor(
      () => {
        store.flush();
        const ops = graphqlOperations(views.annotations(), () => undefined);
        return ops.length === runs.length && ops.every((op) => op.ended !== 'open');
      },
      3000,
      'three ended operations',
    );
    const ops = graphqlOperations(views.annotations(), () => undefined);

    expect(views.channels()).toMatchObject([
      { protocol: 'graphql-transport-ws', chosenBy: 'subprotocol', malformed: 0, unanswered: 0 },
    ]);
    expect(views.unanswered()).toEqual([]);
    const pairs = views.pairs();
    expect(pairs.filter((p) => p.kind === 'init')).toHaveLength(1);
    expect(pairs.filter((p) => p.kind === 'first-result').map((p) => p.key)).toEqual(
      ops.map((op) => op.id),
    );
    expect(pairs.every((p) => p.latencyMs >= 0)).toBe(true);

    expect(
      ops.map((op) => ({
        type: op.type,
        name: op.name,
        variables: op.variables === undefined ? undefined : (JSON.parse(op.variables) as unknown),
        results: op.results,
        errors: op.errors,
        ended: op.ended,
      })),
    ).toEqual(
      runs.map((r) => {
        const ast = getOperationAST(parse(r.query));
        return {
          type: ast?.operation,
          name: ast?.name?.value,
          variables: r.variables,
          results: r.results.length,
          errors: r.results.filter((v) => (v as { errors?: unknown }).errors !== undefined).length,
          ended: r.ended,
        };
      }),
    );
    for (const op of ops) {
      expect(op.firstResultMs).toBeGreaterThanOrEqual(0);
      expect(op.lifetimeMs).toBeGreaterThanOrEqual(op.firstResultMs ?? 0);
    }

    // The results' data, read back from the dissected `next` messages, is what the client got.
    const nextData = views
      .annotations()
      .flatMap((a) =>
        a.messages
          .filter((m) => m.kind === 'next')
          .map((m) => (views.detailOf(a.seq)?.trees[m.index] as { payload: unknown }).payload),
      );
    expect(nextData).toEqual(runs.flatMap((r) => r.results));
  });
});
