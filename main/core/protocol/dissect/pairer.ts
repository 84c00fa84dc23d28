/**
 * Links requests with answers within one channel. A request waits under its key and the
 * direction it went; an answer coming the other way with the same key completes it. Pure
 * bookkeeping: O(1) per message, memory bounded by the requests still waiting.
 */
import type { Direction } from '../../../../shared/model/entry.ts';
import type {
  MessageRef,
  ProtocolName,
  ProtocolPair,
  UnansweredRequest,
} from '../../../../shared/model/protocol.ts';
import type { PairHint } from './types.ts';

interface Waiting {
  kind: string;
  key: string;
  request: MessageRef;
}

function waitKey(hint: PairHint, requestDirection: Direction): string {
  return `${hint.kind}\u0000${requestDirection}\u0000${hint.key}`;
}

export class Pairer {
  readonly #protocol: ProtocolName;
  readonly #channelId: string;
  readonly #waiting = new Map<string, Waiting>();

  constructor(protocol: ProtocolName, channelId: string) {
    this.#protocol = protocol;
    this.#channelId = channelId;
  }

  /** Applies one message's hint; returns the pair it completes, if any. */
  observe(hint: PairHint, direction: Direction, ref: MessageRef): ProtocolPair | undefined {
    const other = direction === 'out' ? 'in' : 'out';
    switch (hint.role) {
      case 'request':
        // A reused id while the first is still waiting: the newer request is the one answered.
        this.#waiting.set(waitKey(hint, direction), {
          kind: hint.kind,
          key: hint.key,
          request: ref,
        });
        return undefined;
      case 'answer': {
        const theirs = waitKey(hint, other);
        const waiting = this.#waiting.get(theirs);
        if (waiting === undefined) return undefined;
        this.#waiting.delete(theirs);
        return this.#pair(waiting, ref);
      }
      case 'end':
        // Either side may end an operation (a client cancelling, a server completing).
        this.#waiting.delete(waitKey(hint, other));
        this.#waiting.delete(waitKey(hint, direction));
        return undefined;
    }
  }

  /** The pair an answer would complete, leaving the request waiting. */
  peek(hint: PairHint, direction: Direction, ref: MessageRef): ProtocolPair | undefined {
    if (hint.role !== 'answer') return undefined;
    const waiting = this.#waiting.get(waitKey(hint, direction === 'out' ? 'in' : 'out'));
    return waiting === undefined ? undefined : this.#pair(waiting, ref);
  }

  #pair(waiting: Waiting, answer: MessageRef): ProtocolPair {
    return {
      protocol: this.#protocol,
      kind: waiting.kind,
      channelId: this.#channelId,
      key: waiting.key,
      request: waiting.request,
      answer,
      latencyMs: answer.time - waiting.request.time,
    };
  }

  unanswered(): UnansweredRequest[] {
    return [...this.#waiting.values()].map((w) => ({
      protocol: this.#protocol,
      kind: w.kind,
      channelId: this.#channelId,
      key: w.key,
      request: w.request,
    }));
  }

  get waiting(): number {
    return this.#waiting.size;
  }
}
