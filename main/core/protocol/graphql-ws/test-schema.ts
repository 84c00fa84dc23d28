/**
 * The schema both real-library GraphQL-over-WebSocket tests serve: `hello(name)`, `boom` (a
 * resolver error) and the subscription `count(to, everyMs)`. Built with the graphql instance
 * the caller gives, since the libraries under test must get a schema of their own copy.
 */
import type * as GraphQL from 'graphql';

export function testSchema(graphql: typeof GraphQL): GraphQL.GraphQLSchema {
  const { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = graphql;
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        hello: {
          type: GraphQLString,
          args: { name: { type: GraphQLString } },
          resolve: (_root, args: { name?: string }) => `hello ${args.name ?? 'world'}`,
        },
        boom: {
          type: GraphQLString,
          resolve: () => {
            throw new Error('boom failed');
          },
        },
      },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        count: {
          type: new GraphQLNonNull(GraphQLInt),
          args: {
            to: { type: new GraphQLNonNull(GraphQLInt) },
            everyMs: { type: GraphQLInt },
          },
          subscribe: async function* (_root, args: { to: number; everyMs?: number }) {
            for (let n = 1; n <= args.to; n++) {
              yield { count: n };
              // A slow pace lets a client's cancel arrive before the next value.
              if (n < args.to) {
                await new Promise((resolve) => setTimeout(resolve, args.everyMs ?? 1));
              }
            }
          },
        },
      },
    }),
  });
}
