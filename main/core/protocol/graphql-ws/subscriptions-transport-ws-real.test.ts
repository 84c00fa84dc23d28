/**
 * The legacy GraphQL over WebSocket protocol (`graphql-ws` subprotocol) against its real
 * library: a subscriptions-transport-ws SubscriptionServer (graphql's execute/subscribe, with
 * keep-alives) behind Telltale's reverse proxy, its SubscriptionClient (`ws`) in front. The
 * operations Telltale rebuilds must be what the client ran and received, under the ids the
 * server saw.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type * as GraphQL from 'graphql';
import { SubscriptionClient, SubscriptionServer } from 'subscriptions-transport-ws';
import WebSocket from 'ws';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { listenLoopback, waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { graphqlOperations } from './operations.ts';
import { testSchema } from './test-schema.ts';

/**
 * Vitest resolves `graphql` with the `development` condition, Node (loading the library, which
 * validates with its own copy) without it: two instances of graphql, and a schema from one is
 * refused by the other. Everything here uses Node's instance, the library's.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

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
  error?: unknown;
}

/** Runs one operation to its end; after `stopAfter` results the client stops it itself. */
function run(
  client: SubscriptionClient,
  query: string,
  variables?: Record<string, unknown>,
  stopAfter?: number,
): Promise<Run> {
  return new Promise((resolve) => {
    const out: Run = { query, results: [], ended: 'complete' };
    if (variables !== undefined) out.variables = variables;
    const subscription = client
      .request(variables === undefined ? { query } : { query, variables })
      .subscribe({
        next(value) {
          out.results.push(value);
          if (out.results.length === stopAfter) {
            out.ended = 'cancelled';
            subscription.unsubscribe();
            resolve(out);
          }
        },
        error(error: unknown) {
          out.ended = 'error';
          out.error = error;
          resolve(out);
        },
        complete() {
          resolve(out);
        },
      });
  });
}

describe('subscriptions-transport-ws dissection of the real libraries through the proxy', () => {
  it('a query, a subscription to its end, a stopped one, a resolver error and a syntax error match what the libraries report', async () => {
    const server = http.createServer();
    /** Operations as the server saw them start and end. */
    const started: { id: string; query: string }[] = [];
    const completed: string[] = [];
    const subscriptionServer = SubscriptionServer.create(
      {
        schema,
        execute: graphql.execute,
        // graphql 17 may answer without a promise; the library's types (for 15/16) want one.
        subscribe: async (args: GraphQL.ExecutionArgs) => graphql.subscribe(args),
        keepAlive: 50,
        onOperation: (message: { id: string; payload: { query: string } }, params: unknown) => {
          started.push({ id: message.id, query: message.payload.query });
          return params;
        },
        onOperationComplete: (_socket: unknown, id: string) => {
          completed.push(id);
        },
      },
      { server, path: '/graphql' },
    );
    const upstream = await listenLoopback(server);
    cleanups.push(async () => {
      subscriptionServer.close();
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

    const client = new SubscriptionClient(
      `${proxy.url.replace('http:', 'ws:')}/graphql`,
      { reconnect: false, lazy: false },
      WebSocket,
    );
    cleanups.push(() => {
      client.close();
    });

    const runs = [
      await run(client, 'query Hello($name: String) { hello(name: $name) }', { name: 'tt' }),
      await run(client, 'subscription Count { count(to: 3) }'),
      await run(client, 'subscription Forever { count(to: 1000, everyMs: 200) }', undefined, 1),
      await run(client, 'query Boom { boom }'),
      await run(client, 'query Broken { hello('),
    ];
    expect(runs.map((r) => [r.results.length, r.ended])).toEqual([
      [1, 'complete'],
      [3, 'complete'],
      [1, 'cancelled'],
      [1, 'complete'],
      [0, 'error'],
    ]);
    // At least one keep-alive, and the stopped operation's end seen by the server.
    await waitFor(
      () => {
        store.flush();
        const kinds = views.annotations().flatMap((a) => a.messages.map((m) => m.kind));
        return kinds.includes('ka') && kinds.includes('stop') && completed.length >= 1;
      },
      3000,
      'a keep-alive and the stop',
    );
    client.close();
    await waitFor(
      () => {
        store.flush();
        return views
          .annotations()
          .some((a) => a.messages.some((m) => m.kind === 'connection_terminate'));
      },
      3000,
      'connection_terminate',
    );

    expect(views.channels()).toMatchObject([
      {
        protocol: 'subscriptions-transport-ws',
        chosenBy: 'subprotocol',
        malformed: 0,
        unanswered: 0,
      },
    ]);
    expect(views.unanswered()).toEqual([]);

    const ops = graphqlOperations(views.annotations(), () => undefined);
    // The ids the server saw, in order, with the queries the client sent.
    expect(ops.map((op) => op.id)).toEqual(started.map((s) => s.id));
    expect(started.map((s) => s.query)).toEqual(runs.map((r) => r.query));
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
        // The broken query has no AST: its type and name are what its text starts with.
        const ast =
          r.ended === 'error' ? undefined : graphql.getOperationAST(graphql.parse(r.query));
        return {
          type: ast?.operation ?? 'query',
          name: ast?.name?.value ?? 'Broken',
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

    // Each `data` payload is what the client's observer received, errors included.
    const annotations = views.annotations();
    const dataPayloads = annotations.flatMap((a) =>
      a.messages
        .filter((m) => m.kind === 'data')
        .map((m) => (views.detailOf(a.seq)?.trees[m.index] as { payload: unknown }).payload),
    );
    expect(dataPayloads).toEqual(runs.flatMap((r) => r.results));
    const boom = annotations
      .flatMap((a) => a.messages)
      .find((m) => m.kind === 'data' && m.fields.errors !== undefined);
    expect(boom?.fields).toMatchObject({ errors: 1, errorMessage: 'boom failed' });

    // The syntax error came as an `error` message, the one the client's observer was given.
    const errorMessage = annotations.flatMap((a) => a.messages).find((m) => m.kind === 'error');
    // The client's observer is given the first error of the message.
    const clientError = (runs[4]?.error as { message?: string } | undefined)?.message;
    expect(clientError).toMatch(/Syntax Error/);
    expect(errorMessage?.fields.errorMessage).toBe(clientError);

    // Pairs: the init and one first result per operation.
    const pairs = views.pairs();
    expect(pairs.filter((p) => p.kind === 'init')).toHaveLength(1);
    expect(pairs.filter((p) => p.kind === 'first-result').map((p) => p.key)).toEqual(
      ops.map((op) => op.id),
    );
    expect(pairs.every((p) => p.latencyMs >= 0)).toBe(true);
  });
});
