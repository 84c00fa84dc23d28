import type { Direction } from '../../../shared/model/entry.ts';
import type { OutgoingMessage } from '../replay/outgoing.ts';
import { InjectError } from './inject-error.ts';
import type { SseRelay } from './sse-relay.ts';
import type { WsDirectionRelay } from './ws-relay.ts';

export type LiveStream =
  { kind: 'ws'; out: WsDirectionRelay; in: WsDirectionRelay } | { kind: 'sse'; in: SseRelay };

/** The proxied WebSockets and event streams open now, by connection id: what can take a message. */
export class LiveStreams {
  readonly #streams = new Map<string, LiveStream>();

  add(connectionId: string, stream: LiveStream): void {
    this.#streams.set(connectionId, stream);
  }

  delete(connectionId: string): void {
    this.#streams.delete(connectionId);
  }

  has(connectionId: string): boolean {
    return this.#streams.has(connectionId);
  }

  ids(): string[] {
    return [...this.#streams.keys()];
  }

  /** Rejects with InjectError (`inject.not-live` when the connection is not open in this proxy). */
  inject(connectionId: string, direction: Direction, message: OutgoingMessage): Promise<void> {
    const stream = this.#streams.get(connectionId);
    if (stream === undefined) {
      return Promise.reject(
        new InjectError('inject.not-live', `connection "${connectionId}" is not open in the proxy`),
      );
    }
    if (stream.kind === 'sse') {
      if (direction === 'out') {
        return Promise.reject(
          new InjectError(
            'inject.wrong-kind',
            'an event stream only carries events toward the client',
          ),
        );
      }
      return stream.in.inject(message);
    }
    return direction === 'out' ? stream.out.inject(message) : stream.in.inject(message);
  }
}
