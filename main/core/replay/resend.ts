/**
 * Resend: a recorded message sent again, as it was or edited. On its own connection when that is
 * still open (the host says how: a client connection's handle, or injection into a proxied
 * stream), else on a fresh connection opened with the recorded URL (or another), headers and
 * subprotocols. A server's message (or an SSE event) can only go back into an open proxied
 * stream: there is no client-side way to make a server say it again.
 */
import type { Direction, Payload } from '../../../shared/model/entry.ts';
import { openWsConnection } from '../connect/ws-client.ts';
import type { WsClientHandle } from '../connect/ws-client.ts';
import type { SessionStore } from '../session/store.ts';
import { outgoingFromEntry } from './outgoing.ts';
import type { OutgoingMessage } from './outgoing.ts';
import { headerOf } from './recording.ts';
import { InjectError } from '../proxy/inject-error.ts';
import { replayHeaders } from './replay-runner.ts';

export type ResendErrorCode =
  'resend.no-entry' | 'resend.not-a-message' | 'resend.not-open' | 'resend.failed';

export class ResendError extends Error {
  readonly code: ResendErrorCode;
  constructor(code: ResendErrorCode, message: string) {
    super(message);
    this.name = 'ResendError';
    this.code = code;
  }
}

/**
 * Sends on a connection that is still open; resolves false when it is not (closed, not the
 * host's, or not able to send that way). The service combines its client handles and the proxy.
 */
export type LiveSender = (
  connectionId: string,
  direction: Direction,
  message: OutgoingMessage,
) => Promise<boolean>;

/**
 * A LiveSender over the proxy's injection: false when the connection is not open in the proxy,
 * any other refusal (closed mid-way, wrong kind) is an error.
 */
export function proxyLiveSender(proxy: {
  inject(connectionId: string, direction: Direction, message: OutgoingMessage): Promise<void>;
}): LiveSender {
  return async (connectionId, direction, message) => {
    try {
      await proxy.inject(connectionId, direction, message);
      return true;
    } catch (error) {
      if (error instanceof InjectError && error.code === 'inject.not-live') return false;
      throw error;
    }
  };
}

export interface ResendOptions {
  /** Send this payload instead of the recorded one. */
  edited?: Payload;
  /** A fresh connection to this URL, even if the original connection is still open. */
  url?: string;
  live?: LiveSender;
  insecure?: boolean;
}

export type ResendResult =
  | { via: 'open'; connectionId: string }
  /** The fresh connection stays open: the caller closes it (`handle.close()`). */
  | { via: 'fresh'; connectionId: string; handle: WsClientHandle };

export async function resendEntry(
  store: SessionStore,
  seq: number,
  options: ResendOptions = {},
): Promise<ResendResult> {
  const entry = store.get(seq);
  if (entry === undefined) throw new ResendError('resend.no-entry', `no entry #${String(seq)}`);
  const message = outgoingFromEntry(entry, options.edited);
  if (message === undefined) {
    throw new ResendError(
      'resend.not-a-message',
      `entry #${String(seq)} is ${entry.kind}: only text, binary and SSE events can be sent again`,
    );
  }
  const connection = store.getConnection(entry.connectionId);
  if (connection === undefined) {
    throw new ResendError('resend.no-entry', `entry #${String(seq)} has no connection`);
  }
  if (options.url === undefined && options.live) {
    if (await options.live(connection.id, entry.direction, message)) {
      return { via: 'open', connectionId: connection.id };
    }
  }
  if (entry.direction === 'in' || message.kind === 'event' || connection.kind !== 'ws') {
    throw new ResendError(
      'resend.not-open',
      `entry #${String(seq)} came from the server: it can only be resent into its open proxied connection`,
    );
  }
  const offered = headerOf(connection.requestHeaders, 'sec-websocket-protocol');
  const handle = openWsConnection(store, {
    url: options.url ?? connection.url,
    headers: replayHeaders(connection.requestHeaders),
    protocols: offered
      ? offered.split(',').map((p) => p.trim())
      : connection.protocol
        ? [connection.protocol]
        : [],
    deflate: /permessage-deflate/i.test(
      headerOf(connection.requestHeaders, 'sec-websocket-extensions') ??
        connection.extensions ??
        '',
    ),
    insecure: options.insecure ?? false,
  });
  try {
    await handle.opened;
    if (message.kind === 'text') await handle.sendText(message.payload);
    else await handle.sendBinary(message.payload);
  } catch (error) {
    await handle.close();
    throw new ResendError('resend.failed', (error as Error).message);
  }
  return { via: 'fresh', connectionId: handle.connectionId, handle };
}
