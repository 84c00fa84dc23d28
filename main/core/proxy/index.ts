export { startProxy, isLoopback } from './proxy-server.ts';
export type { ProxyHandle, ProxyOptions } from './proxy-server.ts';
export type { LeafIssuer } from './connect-tunnel.ts';
export { InjectError } from './inject-error.ts';
export type { InjectErrorCode } from './inject-error.ts';
