export {
  graphqlTransportWsDissector,
  subscriptionsTransportWsDissector,
  operationOf,
} from './graphql-ws.ts';
export { graphqlOperations } from './operations.ts';
export type { GraphqlOperation, GraphqlEnding } from './operations.ts';
