export { jsonRpcDissector, dissectJsonRpc, JSONRPC_MALFORMED } from './jsonrpc.ts';
