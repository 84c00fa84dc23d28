export { stompDissector } from './stomp.ts';
export { parseStompFrame, CLIENT_COMMANDS, SERVER_COMMANDS } from './stomp-frame.ts';
export type { StompFrame, StompParse } from './stomp-frame.ts';
