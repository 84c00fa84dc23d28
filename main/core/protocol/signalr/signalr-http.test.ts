/**
 * SignalR's HTTP transports from hand-built sessions shaped like the proxy's records: each request
 * its own connection, a request body one `out` entry, a response body one `in` entry (text when
 * UTF-8), event-stream events as `event` entries.
 */
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import type { Connection, HeaderList } from '../../../../shared/model/connection.ts';
import type { DecoderNote, Direction, Payload } from '../../../../shared/model/entry.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { testConnection } from '../dissect/test-support.ts';
import { SessionStore } from '../../session/store.ts';

const RS = '\u001e';
const r = (value: unknown) => `${JSON.stringify(value)}${RS}`;
const base = 'http://127.0.0.1:1/chathub';
const agent: HeaderList = [['User-Agent', 'Microsoft SignalR/10.0 (10.0.11; Linux; NodeJS; 24)']];

function mp(...messages: unknown[]): Uint8Array {
  return Uint8Array.from(
    messages.flatMap((m) => {
      const body = encode(m);
      return [body.length, ...body]; // every test body is under 128 bytes
    }),
  );
}

/** A session built step by step, in time order across connections. */
class Session {
  readonly store = new SessionStore();
  #n = 0;

  /** `answered`: read back after the exchange, its answer's head known (else still waiting). */
  open(
    kind: Connection['kind'],
    method: string,
    url: string,
    headers = agent,
    answered = true,
  ): string {
    const id = `c${String(++this.#n)}`;
    this.store.addConnection(
      testConnection(id, {
        kind,
        method,
        url,
        requestHeaders: headers,
        openedAt: 0,
        ...(answered ? { response: { status: 200, statusText: 'OK', headers: [] } } : {}),
      }),
    );
    return id;
  }

  body(id: string, dir: Direction, data: Payload, at: number, notes?: DecoderNote[]): void {
    const kind =
      this.store.getConnection(id)?.kind === 'sse'
        ? 'event'
        : typeof data === 'string'
          ? 'text'
          : 'binary';
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.store.append({
      connectionId: id,
      time: at,
      direction: dir,
      kind,
      payload: data,
      payloadSize: size,
      wireSize: size,
      ...(kind === 'event' ? { sse: { event: 'message', lastEventId: '' } } : {}),
      ...(notes ? { notes } : {}),
    });
  }
}

function messages(views: ProtocolViews) {
  return views
    .annotations()
    .flatMap((a) =>
      a.messages.map((m) => `${a.connectionId} ${a.direction} ${m.malformed?.code ?? m.summary}`),
    );
}

describe('SignalR over Server-Sent Events + POST', () => {
  it('invocations POSTed pair with completions on the event stream, one channel per token', () => {
    const s = new Session();
    const negotiate = s.open('http', 'POST', `${base}/negotiate?negotiateVersion=1`);
    s.body(
      negotiate,
      'in',
      JSON.stringify({
        connectionId: 'cid',
        connectionToken: 'tok',
        negotiateVersion: 1,
        availableTransports: [
          { transport: 'ServerSentEvents', transferFormats: ['Text'] },
          { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
        ],
      }),
      1,
    );
    const stream = s.open('sse', 'GET', `${base}?id=tok`);
    const hello = s.open('http', 'POST', `${base}?id=tok`);
    s.body(hello, 'out', r({ protocol: 'json', version: 1 }), 10);
    s.body(stream, 'in', r({}), 12);
    const send = s.open('http', 'POST', `${base}?id=tok`);
    s.body(send, 'out', r({ type: 1, invocationId: '0', target: 'Add', arguments: [1, 2] }), 20);
    s.body(stream, 'in', r({ type: 3, invocationId: '0', result: 3 }) + r({ type: 6 }), 27);
    const views = new ProtocolViews(s.store, { live: false });

    expect(messages(views)).toEqual([
      'c1 in negotiate cid → ServerSentEvents,LongPolling',
      'c3 out handshake json v1',
      'c2 in handshake ok',
      'c4 out Invocation Add #0 [1,2]',
      'c2 in Completion #0 3',
      'c2 in Ping',
    ]);
    expect(views.channels()).toEqual([
      expect.objectContaining({ id: 'c1', protocol: 'signalr', chosenBy: 'url' }),
      expect.objectContaining({
        id: 'signalr:tok',
        chosenBy: 'header',
        connectionIds: ['c3', 'c2', 'c4'],
        malformed: 0,
      }),
    ]);
    expect(
      views
        .pairs()
        .map((p) => [p.kind, p.key, p.request.connectionId, p.answer.connectionId, p.latencyMs]),
    ).toEqual([
      ['handshake', '', 'c3', 'c2', 2],
      ['invocation', '0', 'c4', 'c2', 7],
    ]);
    expect(views.annotationOf(1)?.messages[0]?.fields).toEqual({
      connectionId: 'cid',
      negotiateVersion: 1,
      transports: 'ServerSentEvents,LongPolling',
    });
    expect(views.detailOf(1)?.trees[0]).toMatchObject({ connectionToken: 'tok' });
  });

  it('without a SignalR user agent (a browser), the records themselves are recognised', () => {
    const s = new Session();
    const stream = s.open('sse', 'GET', `${base}?id=tok`, []);
    const hello = s.open('http', 'POST', `${base}?id=tok`, []);
    s.body(hello, 'out', r({ protocol: 'json', version: 1 }), 10);
    s.body(stream, 'in', r({}), 12);
    const views = new ProtocolViews(s.store, { live: false });
    expect(views.channels()).toEqual([
      expect.objectContaining({ id: 'signalr:tok', chosenBy: 'sniff', pairs: 1 }),
    ]);
  });
});

describe('SignalR over long polling', () => {
  it('MessagePack bodies: handshake and messages in polls and POSTs, paired across them', () => {
    const s = new Session();
    const hello = s.open('http', 'POST', `${base}?id=tok`);
    s.body(hello, 'out', r({ protocol: 'messagepack', version: 1 }), 10);
    const poll1 = s.open('http', 'GET', `${base}?id=tok&_=1`);
    s.body(poll1, 'in', new Uint8Array([...new TextEncoder().encode(`{}${RS}`), ...mp([6])]), 12);
    const call = s.open('http', 'POST', `${base}?id=tok`);
    s.body(
      call,
      'out',
      mp([1, {}, '0', 'Echo', [new Uint8Array([7])]], [4, {}, '1', 'Count', [2]]),
      20,
    );
    const poll2 = s.open('http', 'GET', `${base}?id=tok&_=2`);
    s.body(
      poll2,
      'in',
      mp([3, {}, '0', 3, new Uint8Array([7])], [2, {}, '1', 0], [2, {}, '1', 1]),
      24,
    );
    const poll3 = s.open('http', 'GET', `${base}?id=tok&_=3`);
    s.body(poll3, 'in', mp([3, {}, '1', 2]), 31);
    const views = new ProtocolViews(s.store, { live: false });
    expect(messages(views)).toEqual([
      'c1 out handshake messagepack v1',
      'c2 in handshake ok',
      'c2 in Ping',
      'c3 out Invocation Echo #0 [{"$bytes":"07","length":1}]',
      'c3 out StreamInvocation Count #1 [2]',
      'c4 in Completion #0 {"$bytes":"07","length":1}',
      'c4 in StreamItem #1 0',
      'c4 in StreamItem #1 1',
      'c5 in Completion #1',
    ]);
    expect(views.pairs().map((p) => [p.kind, p.key, p.latencyMs])).toEqual([
      ['handshake', '', 2],
      ['invocation', '0', 4],
      ['invocation', '1', 11],
    ]);
    expect(views.channels()).toHaveLength(1);
    expect(views.detailOf(s.store.entriesOf(poll2).next().value?.seq ?? -1)?.trees).toEqual([
      { type: 3, invocationId: '0', result: { $bytes: '07', length: 1 } },
      { type: 2, invocationId: '1', item: 0 },
      { type: 2, invocationId: '1', item: 1 },
    ]);
  });

  it('a body that ends inside a record is malformed (and says when the proxy cut it)', () => {
    const s = new Session();
    const poll = s.open('http', 'GET', `${base}?id=tok`);
    const whole = mp([3, {}, '0', 3, 'x'.repeat(40)]);
    s.body(poll, 'in', whole.subarray(0, 20), 1, [
      { code: 'body-truncated', message: 'body truncated: kept the first 20 decoded bytes' },
    ]);
    const post = s.open('http', 'POST', `${base}?id=tok`);
    s.body(post, 'out', JSON.stringify({ type: 6 }), 2);
    const views = new ProtocolViews(s.store, { live: false });
    const found = views.annotations().map((a) => a.messages[0]?.malformed);
    expect(found).toEqual([
      {
        code: 'signalr.truncated',
        message: 'the body ends inside a record (20 bytes left: the body was truncated)',
      },
      { code: 'signalr.truncated', message: 'the body ends inside a record (10 bytes left)' },
    ]);
  });

  // A request body whose URL names the channel is read at once (not held for its response head),
  // so an answer polled before the POST was answered still pairs.
  it('a completion polled before the POST carrying its invocation was answered', () => {
    const s = new Session();
    // Live, as the proxy records: a view built afterwards reads the POST with its head known.
    const views = new ProtocolViews(s.store);
    const post = s.open('http', 'POST', `${base}?id=tok`, agent, false);
    s.body(post, 'out', r({ type: 1, invocationId: '0', target: 'Add', arguments: [] }), 10);
    s.store.flush();
    const poll = s.open('http', 'GET', `${base}?id=tok&_=1`);
    s.body(poll, 'in', r({ type: 3, invocationId: '0', result: 1 }), 12);
    s.store.updateConnection(post, { response: { status: 200, statusText: 'OK', headers: [] } });
    s.store.append({
      connectionId: post,
      time: 13,
      direction: 'in',
      kind: 'lifecycle',
      lifecycle: 'closed',
      payload: '',
      payloadSize: 0,
      wireSize: 0,
    });
    s.store.flush();
    expect(views.pairs().map((p) => [p.key, p.latencyMs])).toEqual([['0', 2]]);
  });
});
