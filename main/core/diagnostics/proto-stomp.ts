/**
 * STOMP on one connection: frames that asked for a `receipt` and never got their RECEIPT (nor
 * an ERROR naming it), and ERROR frames (after which the broker closes the connection).
 */
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { plural } from './finding.ts';
import { Pending } from './pending.ts';
import {
  age,
  Sightings,
  unansweredFinding,
  type ChannelCheck,
  type ProtocolTracker,
} from './proto-support.ts';
import { RULE, type Finding } from './types.ts';

export class StompTracker implements ProtocolTracker {
  readonly #receipts = new Pending<{ command: string; receipt: string }>();
  readonly #errors = new Sightings();

  observe(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.malformed !== undefined) return;
    const f = m.fields;
    if (m.kind === 'RECEIPT' || m.kind === 'ERROR') {
      if (typeof f.receiptId === 'string') this.#receipts.take(f.receiptId);
      if (m.kind === 'ERROR') this.#errors.add(a, String(f.message ?? 'ERROR'));
      return;
    }
    if (typeof f.receipt === 'string' && a.direction === 'out') {
      this.#receipts.add(f.receipt, {
        seq: a.seq,
        time: a.time,
        connectionId: a.connectionId,
        data: { command: m.kind, receipt: f.receipt },
      });
    }
  }

  check(channel: ChannelCheck, out: Finding[]): void {
    unansweredFinding(
      RULE.stompReceiptMissing,
      this.#receipts,
      channel,
      { one: 'frame', many: 'frames', without: 'the RECEIPT they asked for' },
      (w) => `${w.data.command} receipt:${w.data.receipt} (${age(w, channel)})`,
      out,
    );
    this.#errors.report(
      RULE.stompErrorFrame,
      out,
      (count, examples) => `The broker sent ${plural(count, 'ERROR frame')}: ${examples}.`,
    );
  }
}
