/** The dissectors Telltale knows, in the order sniffing tries them. */
import type { ProtocolName } from '../../../../shared/model/protocol.ts';
import {
  graphqlTransportWsDissector,
  subscriptionsTransportWsDissector,
} from '../graphql-ws/index.ts';
import { jsonRpcDissector } from '../jsonrpc/index.ts';
import { mqttDissector } from '../mqtt/index.ts';
import { signalRDissector } from '../signalr/index.ts';
import { socketIoDissector } from '../socketio/index.ts';
import { stompDissector } from '../stomp/index.ts';
import type { Dissector } from './types.ts';

export const DISSECTORS: readonly Dissector[] = [
  socketIoDissector,
  graphqlTransportWsDissector,
  subscriptionsTransportWsDissector,
  stompDissector,
  mqttDissector,
  signalRDissector,
  jsonRpcDissector,
];

export function dissectorNamed(name: ProtocolName): Dissector | undefined {
  return DISSECTORS.find((d) => d.name === name);
}
