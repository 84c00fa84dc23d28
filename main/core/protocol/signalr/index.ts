export { signalRDissector, SIGNALR_TYPES, isNegotiateUrl } from './signalr.ts';
export { signalRTrees } from './tree.ts';
