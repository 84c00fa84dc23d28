import type { Connection } from '../../../../shared/model/connection.ts';
import type { Direction } from '../../../../shared/model/entry.ts';

/** A close frame as the decoders saw it on the wire. */
export interface CloseFrameSeen {
  direction: Direction;
  code: number;
  reason: string;
}

export interface WsEnding {
  state: 'closed' | 'aborted';
  /** The connection record's close fields (what the wire said; nothing invented). */
  fields: Pick<Connection, 'closeCode' | 'closeReason' | 'closeInitiator'>;
  /** The lifecycle entry's sentence. */
  summary: string;
}

/**
 * How a WebSocket ended, from the close frames seen in both directions: `closed` when the server
 * sent one (its code and reason; who started the closing handshake), `aborted` otherwise (the
 * client's own close code kept if it sent one; never an invented 1006). One rule for the client
 * connections and the proxy, so the two always describe an ending the same way.
 */
export function wsEnding(closes: readonly CloseFrameSeen[], abortedBecause?: string): WsEnding {
  const server = closes.find((c) => c.direction === 'in');
  const first = closes[0];
  if (server && first) {
    return {
      state: 'closed',
      fields: {
        closeCode: server.code,
        closeReason: server.reason,
        closeInitiator: first.direction,
      },
      summary: `closed ${server.code}${server.reason ? ` ${server.reason}` : ''} (${first.direction === 'out' ? 'client' : 'server'} initiated)`,
    };
  }
  const client = closes.find((c) => c.direction === 'out');
  return {
    state: 'aborted',
    fields: client
      ? { closeCode: client.code, closeReason: client.reason, closeInitiator: 'out' }
      : {},
    summary: abortedBecause ?? 'connection ended without a close frame from the server',
  };
}
