/**
 * The application-protocol rules: annotations from the protocol views go in as they are made
 * (O(1) each), grouped by the views' channels (one protocol session, possibly several
 * connections); `findings` re-checks the channels that changed and those still open (their
 * requests age with the clock).
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { ProtocolAnnotation, ProtocolName } from '../../../shared/model/protocol.ts';
import { finding, plural } from './finding.ts';
import { GraphqlTracker } from './proto-graphql.ts';
import { JsonRpcTracker } from './proto-jsonrpc.ts';
import { MqttTracker } from './proto-mqtt.ts';
import { SignalRTracker } from './proto-signalr.ts';
import { SocketIoTracker } from './proto-socketio.ts';
import { StompTracker } from './proto-stomp.ts';
import { Sightings, type ChannelCheck, type ProtocolTracker } from './proto-support.ts';
import { RULE, type Finding, type ResolvedOptions } from './types.ts';

/** Malformed-message codes told apart per channel; the rest are only counted. */
const maxCodesKept = 50;

function trackerFor(protocol: ProtocolName): ProtocolTracker {
  switch (protocol) {
    case 'jsonrpc':
      return new JsonRpcTracker();
    case 'socketio':
      return new SocketIoTracker();
    case 'signalr':
      return new SignalRTracker();
    case 'graphql-transport-ws':
    case 'subscriptions-transport-ws':
      return new GraphqlTracker();
    case 'mqtt':
      return new MqttTracker();
    case 'stomp':
      return new StompTracker();
  }
}

class Channel {
  readonly connectionIds: string[] = [];
  protocol: ProtocolName | undefined;
  tracker: ProtocolTracker | undefined;
  readonly malformed = new Sightings();
  readonly malformedCodes = new Map<string, number>();
  lastTime = 0;
  findings: Finding[] = [];
}

export class ProtocolDiagnostics {
  readonly #connection: (id: string) => Connection | undefined;
  readonly #channels = new Map<string, Channel>();
  readonly #channelOf = new Map<string, Channel>();
  readonly #dirty = new Set<Channel>();
  readonly #initializes = new Set<string>();

  /** `connection` gives a connection's latest state (whether a channel has ended). */
  constructor(connection: (id: string) => Connection | undefined) {
    this.#connection = connection;
  }

  observe(annotation: ProtocolAnnotation, channelId: string): void {
    let channel = this.#channels.get(channelId);
    if (channel === undefined) {
      channel = new Channel();
      this.#channels.set(channelId, channel);
    }
    const id = annotation.connectionId;
    if (this.#channelOf.get(id) !== channel) {
      channel.connectionIds.push(id);
      this.#channelOf.set(id, channel);
    }
    if (annotation.time > channel.lastTime) channel.lastTime = annotation.time;
    for (const message of annotation.messages) {
      const malformed = message.malformed;
      if (malformed !== undefined) {
        channel.malformed.add(annotation);
        const known = channel.malformedCodes.get(malformed.code);
        if (known !== undefined || channel.malformedCodes.size < maxCodesKept) {
          channel.malformedCodes.set(malformed.code, (known ?? 0) + 1);
        }
      }
      if (channel.protocol === undefined) {
        channel.protocol = message.protocol;
        channel.tracker = trackerFor(message.protocol);
      }
      channel.tracker?.observe(annotation, message);
      if (
        message.protocol === 'jsonrpc' &&
        message.kind === 'request' &&
        message.fields.method === 'initialize' &&
        annotation.direction === 'out'
      ) {
        this.#initializes.add(id);
      }
    }
    this.#dirty.add(channel);
  }

  /** A connection's state changed: its channel may have ended. */
  connectionChanged(connectionId: string): void {
    const channel = this.#channelOf.get(connectionId);
    if (channel !== undefined) this.#dirty.add(channel);
  }

  /** The connection carried an MCP `initialize` request (it may lack `Mcp-Session-Id`). */
  isInitialize(connectionId: string): boolean {
    return this.#initializes.has(connectionId);
  }

  /** Forgets everything (the protocol views were rebuilt: annotations are read again). */
  reset(): void {
    this.#channels.clear();
    this.#channelOf.clear();
    this.#dirty.clear();
    this.#initializes.clear();
  }

  findings(options: ResolvedOptions, now: number): Finding[] {
    const all: Finding[] = [];
    for (const channel of this.#channels.values()) {
      const check = this.#situation(channel, options, now);
      if (this.#dirty.has(channel) || !check.ended) {
        channel.findings = [];
        channel.tracker?.check(check, channel.findings);
        this.#malformedFinding(channel, channel.findings);
      }
      all.push(...channel.findings);
    }
    this.#dirty.clear();
    return all;
  }

  #situation(channel: Channel, options: ResolvedOptions, now: number): ChannelCheck {
    let ended = true;
    let end = 0;
    for (const id of channel.connectionIds) {
      const c = this.#connection(id);
      if (c === undefined || c.state === 'open' || c.state === 'connecting') {
        ended = false;
        break;
      }
      end = Math.max(end, c.closedAt ?? channel.lastTime);
    }
    return { options, now, ended, at: ended ? Math.min(now, end) : now };
  }

  #malformedFinding(channel: Channel, out: Finding[]): void {
    const seen = channel.malformed;
    if (seen.count === 0 || seen.connectionId === undefined) return;
    const codes = [...channel.malformedCodes]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
    out.push(
      finding(
        RULE.protocolMalformed,
        seen.connectionId,
        `${plural(seen.count, `malformed ${channel.protocol ?? ''} message`)}: ${codes}.`,
        { seqs: seen.seqs },
      ),
    );
  }
}
