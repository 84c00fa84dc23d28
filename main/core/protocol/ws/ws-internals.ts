/**
 * Typed access to the parts of the `ws` package that @types/ws does not declare: its Receiver
 * (the reference our decoder is benchmarked and cross-checked against) and PerMessageDeflate.
 * Tests and benchmarks only; the decoder itself does not depend on ws.
 */
import * as ws from 'ws';

export interface WsPerMessageDeflate {
  accept(offers: Record<string, unknown>[]): unknown;
  compress(data: Buffer, fin: boolean, cb: (error: Error | null, result?: Buffer) => void): void;
  decompress(data: Buffer, fin: boolean, cb: (error: Error | null, result?: Buffer) => void): void;
  cleanup(): void;
}

export interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

interface WsInternals {
  Receiver: new (options?: {
    isServer?: boolean;
    maxPayload?: number;
    extensions?: Record<string, WsPerMessageDeflate>;
    skipUTF8Validation?: boolean;
  }) => WsReceiver;
  PerMessageDeflate: new (
    options?: Record<string, unknown>,
    isServer?: boolean,
    maxPayload?: number,
  ) => WsPerMessageDeflate;
}

const internals = ws as unknown as WsInternals;

export const WsReceiverClass = internals.Receiver;
export const WsPerMessageDeflateClass = internals.PerMessageDeflate;
