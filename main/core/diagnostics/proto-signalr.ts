/**
 * SignalR hub protocol on one channel: invocations (and stream invocations) with an id that
 * never got their Completion nor a CancelInvocation, Completions carrying an error, and a
 * connection ended by a Close or a handshake answer with an error.
 */
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { plural } from './finding.ts';
import { Pending } from './pending.ts';
import {
  age,
  other,
  Sightings,
  unansweredFinding,
  type ChannelCheck,
  type ProtocolTracker,
} from './proto-support.ts';
import { RULE, type Finding } from './types.ts';

export class SignalRTracker implements ProtocolTracker {
  readonly #pending = new Pending<{ target: string; id: string }>();
  readonly #completionErrors = new Sightings();
  readonly #closeErrors = new Sightings();

  observe(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.malformed !== undefined) return;
    const f = m.fields;
    const id = typeof f.invocationId === 'string' ? f.invocationId : undefined;
    switch (m.kind) {
      case 'Invocation':
      case 'StreamInvocation':
        if (id === undefined) return;
        this.#pending.add(`${a.direction}\u0000${id}`, {
          seq: a.seq,
          time: a.time,
          connectionId: a.connectionId,
          data: { target: String(f.target), id },
        });
        return;
      case 'Completion': {
        if (id === undefined) return;
        const request = this.#pending.take(`${other(a.direction)}\u0000${id}`);
        if (typeof f.error === 'string') {
          this.#completionErrors.add(a, `${request?.data.target ?? '?'} #${id}: ${f.error}`);
        }
        return;
      }
      case 'CancelInvocation':
        if (id === undefined) return;
        this.#pending.take(`out\u0000${id}`);
        this.#pending.take(`in\u0000${id}`);
        return;
      case 'Close':
      case 'HandshakeResponse':
        if (typeof f.error === 'string') this.#closeErrors.add(a, `${m.kind}: ${f.error}`);
        return;
    }
  }

  check(channel: ChannelCheck, out: Finding[]): void {
    unansweredFinding(
      RULE.signalrInvocationUnanswered,
      this.#pending,
      channel,
      { one: 'invocation', many: 'invocations', without: 'a Completion' },
      (w) => `${w.data.target} #${w.data.id} (${age(w, channel)})`,
      out,
    );
    this.#completionErrors.report(
      RULE.signalrInvocationError,
      out,
      (count, examples) => `${plural(count, 'invocation')} completed with an error: ${examples}.`,
    );
    this.#closeErrors.report(
      RULE.signalrCloseError,
      out,
      (_count, examples) => `The server ended the hub connection with an error: ${examples}.`,
    );
  }
}
