export { signalRDissector, SIGNALR_TYPES } from './signalr.ts';
