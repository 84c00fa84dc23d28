/**
 * MQTT 3.1.1 / 5 on one connection: QoS flows left incomplete (QoS 1 PUBLISH → PUBACK; QoS 2
 * PUBLISH → PUBREC → PUBREL → PUBCOMP, each step owed by one side), control packets without
 * their acknowledgement (CONNACK, SUBACK, UNSUBACK, PINGRESP), and a client silent for longer
 * than 1.5 × the keep-alive it announced in CONNECT (the broker then disconnects it, §3.1.2.10).
 * The client is the `out` side.
 */
import type { Direction } from '../../../shared/model/entry.ts';
import type { ProtocolAnnotation, ProtocolMessage } from '../../../shared/model/protocol.ts';
import { finding, seconds } from './finding.ts';
import { Pending } from './pending.ts';
import {
  age,
  other,
  unansweredFinding,
  type ChannelCheck,
  type ProtocolTracker,
} from './proto-support.ts';
import { RULE, type Finding } from './types.ts';

/** What a QoS flow waits for next. */
type Stage = 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP';

const STAGE_LABEL: Readonly<Record<Stage, string>> = {
  PUBACK: 'QoS 1 PUBLISH without PUBACK',
  PUBREC: 'QoS 2 PUBLISH without PUBREC',
  PUBREL: 'PUBREC without PUBREL',
  PUBCOMP: 'PUBREL without PUBCOMP',
};

/** Control packets and the acknowledgement each waits for. */
const ACKED: Readonly<Record<string, string>> = {
  CONNECT: 'CONNACK',
  SUBSCRIBE: 'SUBACK',
  UNSUBSCRIBE: 'UNSUBACK',
  PINGREQ: 'PINGRESP',
};
const ACKS = new Map(Object.entries(ACKED).map(([request, ack]) => [ack, request]));

interface Flow {
  stage: Stage;
  packetId: string;
  topic: string | undefined;
}

export class MqttTracker implements ProtocolTracker {
  /** Keyed by the publisher's direction and the packet id. */
  readonly #flows = new Pending<Flow>();
  readonly #control = new Pending<{ kind: string; packetId: string }>();
  #keepAliveMs = 0;
  #lastClient: { seq: number; time: number; connectionId: string } | undefined;
  #silences = 0;
  #worstSilence:
    { ms: number; fromSeq: number; toSeq: number | undefined; connectionId: string } | undefined;

  observe(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.malformed !== undefined) return;
    if (a.direction === 'out') this.#clientPacket(a, m);
    const f = m.fields;
    const packetId = f.packetId === undefined ? '' : String(f.packetId);
    const topic = typeof f.topic === 'string' ? f.topic : undefined;
    const flow = (publisher: Direction, stage: Stage): void => {
      // The flow's next step, waited for from this message on (the topic kept from its PUBLISH).
      const key = `${publisher}\u0000${packetId}`;
      const before = this.#flows.take(key);
      this.#flows.add(key, {
        seq: a.seq,
        time: a.time,
        connectionId: a.connectionId,
        data: { stage, packetId, topic: topic ?? before?.data.topic },
      });
    };
    switch (m.kind) {
      case 'PUBLISH':
        if (f.qos === 1) flow(a.direction, 'PUBACK');
        else if (f.qos === 2) flow(a.direction, 'PUBREC');
        return;
      case 'PUBACK':
      case 'PUBCOMP':
        this.#flows.take(`${other(a.direction)}\u0000${packetId}`);
        return;
      case 'PUBREC':
        // The publisher owes the PUBREL now, unless a v5 reason code ≥ 0x80 ended the flow.
        if (typeof f.reasonCode === 'number' && f.reasonCode >= 0x80) {
          this.#flows.take(`${other(a.direction)}\u0000${packetId}`);
        } else {
          flow(other(a.direction), 'PUBREL');
        }
        return;
      case 'PUBREL':
        flow(a.direction, 'PUBCOMP');
        return;
    }
    if (m.kind in ACKED) {
      this.#control.add(`${m.kind}\u0000${packetId}`, {
        seq: a.seq,
        time: a.time,
        connectionId: a.connectionId,
        data: { kind: m.kind, packetId },
      });
      return;
    }
    const request = ACKS.get(m.kind);
    if (request !== undefined) this.#control.take(`${request}\u0000${packetId}`);
  }

  check(channel: ChannelCheck, out: Finding[]): void {
    const stages = new Map<Stage, number>();
    unansweredFinding(
      RULE.mqttQosIncomplete,
      this.#flows,
      channel,
      { one: 'QoS flow', many: 'QoS flows', without: 'their next step' },
      (w) =>
        `${STAGE_LABEL[w.data.stage]} #${w.data.packetId}${w.data.topic === undefined ? '' : ` on ${w.data.topic}`} (${age(w, channel)})`,
      out,
      {
        each: (w) => stages.set(w.data.stage, (stages.get(w.data.stage) ?? 0) + 1),
        suffix: () =>
          stages.size < 2
            ? ''
            : ` In all: ${[...stages].map(([stage, n]) => `${STAGE_LABEL[stage]} ×${n}`).join(', ')}.`,
      },
    );
    unansweredFinding(
      RULE.mqttUnanswered,
      this.#control,
      channel,
      { one: 'packet', many: 'packets', without: 'their acknowledgement' },
      (w) =>
        `${w.data.kind}${w.data.packetId === '' ? '' : ` #${w.data.packetId}`} without ${ACKED[w.data.kind] ?? '?'} (${age(w, channel)})`,
      out,
    );
    this.#keepAliveFinding(channel, out);
  }

  #clientPacket(a: ProtocolAnnotation, m: ProtocolMessage): void {
    if (m.kind === 'CONNECT') {
      const keepAlive = m.fields.keepAlive;
      this.#keepAliveMs = typeof keepAlive === 'number' ? keepAlive * 1000 : 0;
    } else {
      this.#silence(a.time, a.seq);
    }
    this.#lastClient = { seq: a.seq, time: a.time, connectionId: a.connectionId };
  }

  #silence(time: number, toSeq: number | undefined): void {
    const last = this.#lastClient;
    const limit = this.#keepAliveMs * 1.5;
    if (last === undefined || limit === 0 || time - last.time <= limit) return;
    if (toSeq !== undefined) this.#silences++;
    const ms = time - last.time;
    if (this.#worstSilence === undefined || ms > this.#worstSilence.ms) {
      this.#worstSilence = { ms, fromSeq: last.seq, toSeq, connectionId: last.connectionId };
    }
  }

  #keepAliveFinding(channel: ChannelCheck, out: Finding[]): void {
    const limit = this.#keepAliveMs * 1.5;
    const last = this.#lastClient;
    if (limit === 0 || last === undefined) return;
    const tailMs = channel.at - last.time;
    const tail = tailMs > limit;
    const count = this.#silences + (tail ? 1 : 0);
    let worst = this.#worstSilence;
    if (tail && (worst === undefined || tailMs > worst.ms)) {
      worst = { ms: tailMs, fromSeq: last.seq, toSeq: undefined, connectionId: last.connectionId };
    }
    if (count === 0 || worst === undefined) return;
    const until =
      worst.toSeq !== undefined ? '' : channel.ended ? ' until the close' : ' up to now';
    out.push(
      finding(
        RULE.mqttKeepAliveExceeded,
        worst.connectionId,
        `The client sent nothing for ${seconds(worst.ms)}${until}, over 1.5 × its keep-alive of ${seconds(this.#keepAliveMs)}${count > 1 ? ` (${count} such silences)` : ''}: the broker disconnects it.`,
        { seqs: [worst.fromSeq, ...(worst.toSeq === undefined ? [] : [worst.toSeq])] },
      ),
    );
  }
}
