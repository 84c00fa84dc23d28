/**
 * The STOMP dissector against real libraries: `@stomp/stompjs` (Node's own WebSocket) through
 * Telltale's reverse proxy to a real broker, RabbitMQ's web-STOMP (Debian's rabbitmq-server,
 * started privately by this file). Every frame, header and heart-beat Telltale shows must be
 * what stompjs says it sent and received (its debug record of each frame), the receipts and
 * ACK/NACKs paired as stompjs saw them answered, and the messages those it was delivered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, StompHeaders, type IFrame, type IMessage } from '@stomp/stompjs';
import type { Direction } from '../../../../shared/model/entry.ts';
import type { ProtocolFieldValue, ProtocolMessage } from '../../../../shared/model/protocol.ts';
import { startProxy } from '../../proxy/proxy-server.ts';
import { SessionStore } from '../../session/store.ts';
import { waitFor } from '../../testing/loopback.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { rabbitMqMissing, startRabbitMq, type RabbitMq } from './rabbitmq.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Headers shown as fields, under these names (docs/protocols.md, STOMP). */
const HEADER_FIELDS: Record<string, string> = {
  destination: 'dest',
  id: 'id',
  subscription: 'subscription',
  'message-id': 'messageId',
  receipt: 'receipt',
  'receipt-id': 'receiptId',
  transaction: 'transaction',
  ack: 'ack',
  'content-type': 'contentType',
  'content-length': 'contentLength',
  'accept-version': 'acceptVersion',
  version: 'version',
  host: 'host',
  'heart-beat': 'heartBeat',
  message: 'message',
};

/** stompjs takes headers as instances of its StompHeaders class. */
function h(...parts: Record<string, string>[]): StompHeaders {
  const headers = new StompHeaders();
  for (const part of parts) for (const [name, value] of Object.entries(part)) headers[name] = value;
  return headers;
}

interface FrameSeen {
  command: string;
  headers: Map<string, string>;
}

function unescapeHeader(text: string): string {
  return text.replace(/\\([nrc\\])/g, (_m, c: string) =>
    c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'c' ? ':' : '\\',
  );
}

/** stompjs logs each frame's command and headers as `>>> ` (sent) or `<<< ` (received). */
function frameOf(logged: string): FrameSeen {
  const [command = '', ...lines] = logged.split('\n');
  const headers = new Map<string, string>();
  const escaped = command !== 'CONNECT' && command !== 'CONNECTED';
  for (const line of lines) {
    if (line === '') break;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    // The first occurrence wins, as in the spec (stompjs repeats content-length when it logs).
    if (!headers.has(name)) headers.set(name, escaped ? unescapeHeader(value) : value);
  }
  return { command, headers };
}

/**
 * The fields Telltale must show for a frame stompjs logged. stompjs logs every frame it
 * received with a `content-length` of its own making (its parsed frames carry their body as
 * bytes), so a received frame's content-length is left out here and its body checked instead.
 */
function expectedFields(frame: FrameSeen, received = false): Record<string, ProtocolFieldValue> {
  const out: Record<string, ProtocolFieldValue> = { command: frame.command };
  for (const [name, value] of frame.headers) {
    const field = HEADER_FIELDS[name];
    if (field !== undefined && !(received && name === 'content-length')) out[field] = value;
  }
  return out;
}

interface Record_ {
  sent: FrameSeen[];
  received: FrameSeen[];
  pings: number;
  pongs: number;
  receipts: string[];
  delivered: { dest: string; body: string; messageId: string; subscription: string }[];
}

const missing = rabbitMqMissing();
// In CI a missing broker is a failure, not a skip.
const skip = missing !== undefined && process.env.CI === undefined;
const title = skip
  ? `STOMP with RabbitMQ web-STOMP (skipped: ${missing})`
  : 'STOMP 1.2 with RabbitMQ web-STOMP: receipts, ACK/NACK, transactions, heart-beats';

describe.skipIf(skip)('STOMP dissection of stompjs and RabbitMQ through the proxy', () => {
  let broker: RabbitMq | undefined;
  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`RabbitMQ is needed in CI: ${missing}`);
    broker = await startRabbitMq(30_000);
  }, 40_000);
  afterAll(async () => {
    await broker?.stop();
  }, 15_000);

  it(
    title,
    async () => {
      if (broker === undefined) throw new Error('no broker');
      const store = new SessionStore({ batchIntervalMs: 1 });
      const views = new ProtocolViews(store);
      cleanups.push(() => {
        views.dispose();
      });
      const proxy = await startProxy(store, { port: 0, target: broker.origin });
      cleanups.push(() => proxy.close());

      const rec: Record_ = {
        sent: [],
        received: [],
        pings: 0,
        pongs: 0,
        receipts: [],
        delivered: [],
      };
      // Node's own WebSocket (stompjs offers v12/v11/v10.stomp as subprotocols).
      const client = new Client();
      client.brokerURL = `${proxy.url.replace('http:', 'ws:')}/ws`;
      client.connectHeaders = h({ login: 'guest', passcode: 'guest', host: '/' });
      client.heartbeatIncoming = 100;
      client.heartbeatOutgoing = 100;
      client.reconnectDelay = 0;
      client.debug = (line) => {
        if (line === '>>> PING') rec.pings++;
        else if (line === '<<< PONG') rec.pongs++;
        else if (line.startsWith('>>> ')) rec.sent.push(frameOf(line.slice(4)));
        else if (line.startsWith('<<< ')) rec.received.push(frameOf(line.slice(4)));
      };
      cleanups.push(() => client.deactivate({ force: true }));
      const connected = new Promise<IFrame>((resolve, reject) => {
        client.onConnect = resolve;
        client.onStompError = (frame) => {
          reject(new Error(`STOMP ERROR ${frame.headers.message ?? ''}`));
        };
        client.onWebSocketError = () => {
          reject(new Error('WebSocket error'));
        };
      });
      client.activate();
      const connectedFrame = await connected;
      expect(connectedFrame.headers.version).toBe('1.2');

      const watch = (receipt: string) => {
        client.watchForReceipt(receipt, () => rec.receipts.push(receipt));
        return { receipt };
      };
      const inbox: IMessage[] = [];
      const deliver = (message: IMessage) => {
        inbox.push(message);
        rec.delivered.push({
          dest: message.headers.destination ?? '',
          body: message.body,
          messageId: message.headers['message-id'] ?? '',
          subscription: message.headers.subscription ?? '',
        });
      };

      client.subscribe('/queue/tt-a', deliver, h({ ack: 'client-individual' }, watch('r-sub-a')));
      client.publish({
        destination: '/queue/tt-a',
        body: 'first',
        headers: h({ 'content-type': 'text/plain' }, watch('r-send-1')),
      });
      client.publish({ destination: '/queue/tt-a', body: 'second', headers: h(watch('r-send-2')) });
      await waitFor(() => inbox.length >= 2, 5000, 'two messages on /queue/tt-a');
      const [first, second] = inbox;
      first?.ack(h(watch('r-ack')));
      // Not requeued: RabbitMQ would deliver it again at once.
      second?.nack(h({ requeue: 'false' }, watch('r-nack')));

      // An aborted transaction, then a committed one: only the committed SEND reaches the queue,
      // and a plain SEND after it proves nothing else came before it.
      const aborted = client.begin('tx-aborted');
      client.publish({
        destination: '/queue/tt-b',
        body: 'aborted',
        headers: h({ transaction: aborted.id }),
      });
      aborted.abort();
      const committed = client.begin('tx-committed');
      client.publish({
        destination: '/queue/tt-b',
        body: 'committed',
        headers: h({ transaction: committed.id }),
      });
      committed.commit();
      client.publish({ destination: '/queue/tt-b', body: 'after', headers: h(watch('r-send-3')) });
      const b = client.subscribe('/queue/tt-b', deliver);
      await waitFor(() => inbox.length >= 4, 5000, 'two messages on /queue/tt-b');
      // RabbitMQ answers a 100 ms heart-beat offer with 1000 ms: two each way take about 2 s.
      await waitFor(() => rec.pings >= 2 && rec.pongs >= 2, 5000, 'two heart-beats each way');
      b.unsubscribe(h(watch('r-unsub-b')));
      await waitFor(() => rec.receipts.includes('r-unsub-b'), 3000, 'the unsubscribe receipt');
      await client.deactivate();

      expect(rec.delivered.map((d) => [d.dest, d.body])).toEqual([
        ['/queue/tt-a', 'first'],
        ['/queue/tt-a', 'second'],
        ['/queue/tt-b', 'committed'],
        ['/queue/tt-b', 'after'],
      ]);

      const messagesOf = (): Record<Direction, ProtocolMessage[]> => {
        const out: Record<Direction, ProtocolMessage[]> = { out: [], in: [] };
        for (const a of views.annotations()) out[a.direction].push(...a.messages);
        return out;
      };
      const frames = (list: ProtocolMessage[]) => list.filter((m) => m.kind !== 'heartbeat');
      const beats = (list: ProtocolMessage[]) => list.filter((m) => m.kind === 'heartbeat').length;
      await waitFor(
        () => {
          store.flush();
          const m = messagesOf();
          return (
            frames(m.out).length >= rec.sent.length &&
            frames(m.in).length >= rec.received.length &&
            beats(m.out) >= rec.pings &&
            beats(m.in) >= rec.pongs
          );
        },
        3000,
        'every frame dissected',
      );
      const messages = messagesOf();

      // Receipts asked for that never came back, as stompjs saw it: RabbitMQ closes on a
      // DISCONNECT without the RECEIPT it asked for.
      const answered = new Set(rec.received.map((f) => f.headers.get('receipt-id')));
      const unansweredReceipts = rec.sent
        .map((f) => f.headers.get('receipt'))
        .filter((r) => r !== undefined && !answered.has(r));
      expect(views.channels()).toMatchObject([
        {
          protocol: 'stomp',
          chosenBy: 'subprotocol',
          malformed: 0,
          unanswered: unansweredReceipts.length,
        },
      ]);
      expect(views.unanswered().map((u) => [u.kind, u.key])).toEqual(
        unansweredReceipts.map((r) => ['receipt', r]),
      );

      // Every frame, in order each way, with the headers stompjs logged for it.
      expect(frames(messages.out).map((m) => m.fields)).toMatchObject(
        rec.sent.map((f) => expectedFields(f)),
      );
      expect(frames(messages.in).map((m) => m.fields)).toMatchObject(
        rec.received.map((f) => expectedFields(f, true)),
      );
      expect(frames(messages.out).map((m) => m.kind)).toEqual(rec.sent.map((f) => f.command));
      expect(frames(messages.in).map((m) => m.kind)).toEqual(rec.received.map((f) => f.command));
      // Heart-beats: the EOLs stompjs sent and received, one for one.
      expect([beats(messages.out), beats(messages.in)]).toEqual([rec.pings, rec.pongs]);

      // Messages delivered, with their bodies (content-length bodies read exactly).
      expect(
        frames(messages.in)
          .filter((m) => m.kind === 'MESSAGE')
          .map((m) => ({
            dest: m.fields.dest,
            body: m.fields.body,
            bodySize: m.fields.bodySize,
            messageId: m.fields.messageId,
            subscription: m.fields.subscription,
          })),
      ).toEqual(rec.delivered.map((d) => ({ ...d, bodySize: Buffer.byteLength(d.body) })));

      // Transactions as sent: BEGIN, SEND, ABORT / COMMIT under their ids.
      expect(
        frames(messages.out)
          .filter((m) => m.fields.transaction !== undefined)
          .map((m) => `${m.kind} ${String(m.fields.transaction)}`),
      ).toEqual([
        'BEGIN tx-aborted',
        'SEND tx-aborted',
        'ABORT tx-aborted',
        'BEGIN tx-committed',
        'SEND tx-committed',
        'COMMIT tx-committed',
      ]);

      // Pairs: CONNECT↔CONNECTED, each receipt stompjs saw answered, and
      // the two client-acknowledged MESSAGEs with their ACK and NACK.
      const pairs = views.pairs();
      expect(pairs.every((p) => p.latencyMs >= 0)).toBe(true);
      expect(pairs.filter((p) => p.kind === 'connect')).toHaveLength(1);
      expect(
        pairs
          .filter((p) => p.kind === 'receipt')
          .map((p) => p.key)
          .sort(),
      ).toEqual([...rec.receipts].sort());
      const answerKind = (seq: number, index: number) =>
        views.annotationOf(seq)?.messages[index]?.kind;
      expect(
        pairs
          .filter((p) => p.kind === 'ack')
          .map((p) => [p.key, answerKind(p.answer.seq, p.answer.index)]),
      ).toEqual([
        [first?.headers.ack, 'ACK'],
        [second?.headers.ack, 'NACK'],
      ]);
      expect(pairs).toHaveLength(1 + rec.receipts.length + 2);
    },
    20_000,
  );
});
