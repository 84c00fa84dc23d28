import { describe, expect, it } from 'vitest';
import { ProtocolViews } from '../dissect/protocol-views.ts';
import { inn, out, sessionWith, testConnection } from '../dissect/test-support.ts';
import { joinAttachments, parseSioPacket } from './socketio-packet.ts';

const OPEN =
  '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const url = 'ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket';

describe('Socket.IO v4 over Engine.IO v4 (WebSocket)', () => {
  it('names Engine.IO and Socket.IO packets with namespace, event, ack id and arguments', () => {
    const store = sessionWith(testConnection('c', { url }), [
      inn(OPEN, 1),
      out('40', 2),
      inn('40{"sid":"wZX3oN0bSVIhsaknAAAI"}', 5),
      out('40/admin,{"token":"123"}', 6),
      inn('44/admin,{"message":"Not authorized"}', 9),
      out('42["chat","hi"]', 10),
      out('4212["hello",1,{"a":[2]}]', 20),
      inn('4312["got it"]', 65),
      inn('2', 100),
      out('3', 101),
      out('41', 200),
      inn('6', 201),
      inn('1', 202),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      protocol: 'socketio',
      chosenBy: 'url',
      malformed: 0,
    });
    const rows = views.annotations().map((a) => a.messages[0]?.summary);
    expect(rows).toEqual([
      'open sid lv_VI97HAXpY6yYWAAAC',
      'CONNECT /',
      'CONNECT / sid wZX3oN0bSVIhsaknAAAI',
      'CONNECT /admin',
      'CONNECT_ERROR /admin Not authorized',
      'EVENT chat ["hi"]',
      'EVENT hello #12 [1,{"a":[2]}]',
      'ACK #12 ["got it"]',
      'ping',
      'pong',
      'DISCONNECT /',
      'noop',
      'close',
    ]);
    expect(views.annotationOf(1)?.messages[0]?.fields).toEqual({
      eio: 'open',
      sid: 'lv_VI97HAXpY6yYWAAAC',
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1000000,
      upgrades: '',
    });
    expect(views.annotationOf(7)?.messages[0]?.fields).toEqual({
      eio: 'message',
      ns: '/',
      ackId: 12,
      event: 'hello',
      args: '[1,{"a":[2]}]',
    });
    expect(
      views.pairs().map((p) => [p.kind, p.key, p.request.seq, p.answer.seq, p.latencyMs]),
    ).toEqual([
      ['connect', '/', 2, 3, 3],
      ['connect', '/admin', 4, 5, 3],
      ['ack', '/#12', 7, 8, 45],
      ['ping', '', 9, 10, 1],
    ]);
    expect(views.unanswered()).toEqual([]);
  });

  it('acks both ways and per namespace: a server emit with ack answered by the client', () => {
    const store = sessionWith(testConnection('c', { url }), [
      inn(OPEN),
      inn('42/chat,5["question"]'),
      out('425["mine"]'),
      out('43/chat,5[42]'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.annotationOf(2)?.messages[0]?.summary).toBe('EVENT /chat question #5 []');
    expect(views.pairs().map((p) => [p.key, p.request.seq, p.answer.seq])).toEqual([
      ['/chat#5', 2, 4],
    ]);
    expect(views.unanswered().map((u) => [u.key, u.request.seq])).toEqual([['/#5', 3]]);
  });

  it('binary events and acks: attachments follow as binary messages and join their placeholders', () => {
    const store = sessionWith(testConnection('c', { url }), [
      inn(OPEN),
      out('452-7["upload",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]'),
      out(Uint8Array.of(1, 2, 3)),
      out(Uint8Array.of(4)),
      out(Uint8Array.of(9, 9)),
      inn('461-7[{"_placeholder":true,"num":0}]'),
      inn(Uint8Array.of(5)),
    ]);
    const views = new ProtocolViews(store, { live: false });
    const m = views.annotations().map((a) => a.messages[0]);
    expect(m.map((x) => x?.kind)).toEqual([
      'open',
      'BINARY_EVENT',
      'attachment',
      'attachment',
      'message',
      'BINARY_ACK',
      'attachment',
    ]);
    expect(m[1]?.summary).toBe('BINARY_EVENT upload #7 ["<binary #0>",{"b":"<binary #1>"}]');
    expect(m[1]?.fields.attachments).toBe(2);
    expect(m[3]?.fields).toEqual({ eio: 'message', of: 2, num: 1, size: 1 });
    expect(m[4]?.summary).toBe('binary 2 B');
    expect(views.pairs().map((p) => [p.kind, p.request.seq, p.answer.seq])).toEqual([
      ['ack', 2, 6],
    ]);

    // Opening the entry builds the full tree with the attachments joined.
    expect(views.detailOf(2)?.trees[0]).toEqual({
      type: 'BINARY_EVENT',
      nsp: '/',
      id: 7,
      attachments: 2,
      data: ['upload', Uint8Array.of(1, 2, 3), { b: Uint8Array.of(4) }],
    });
    expect(views.detailOf(6)?.trees[0]).toMatchObject({
      type: 'BINARY_ACK',
      data: [Uint8Array.of(5)],
    });

    const parsed = parseSioPacket(
      '52-["upload",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]',
    );
    expect(
      parsed.ok && joinAttachments(parsed.packet.data, [Uint8Array.of(1, 2, 3), Uint8Array.of(4)]),
    ).toEqual(['upload', Uint8Array.of(1, 2, 3), { b: Uint8Array.of(4) }]);
  });

  it('malformed packets keep a reason and a stable code', () => {
    const store = sessionWith(testConnection('c', { url }), [
      inn(OPEN),
      out('9'),
      out('47'),
      out('42{"not":"array"}'),
      out('42["x"'),
      out('43[1]'),
      out('45["a"]'),
      out('41{"x":1}'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(
      views
        .annotations()
        .slice(1)
        .map((a) => a.messages[0]?.malformed?.code),
    ).toEqual([
      'engineio.type',
      'socketio.type',
      'socketio.payload',
      'socketio.json',
      'socketio.payload',
      'socketio.attachments',
      'socketio.payload',
    ]);
  });

  it('is sniffed from the Engine.IO open packet when the URL says nothing', () => {
    const store = sessionWith(testConnection('c'), [inn(OPEN), out('40')]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channels()[0]).toMatchObject({
      protocol: 'socketio',
      chosenBy: 'sniff',
      messages: 2,
    });
  });

  it('a WebSocket upgraded from polling joins the channel of its Engine.IO sid', () => {
    const store = sessionWith(testConnection('c', { url: `${url}&sid=abc` }), [
      out('2probe'),
      inn('3probe'),
      out('5'),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channelOf('c')).toBe('eio:abc');
    expect(views.annotations().map((a) => a.messages[0]?.summary)).toEqual([
      'ping probe',
      'pong probe',
      'upgrade',
    ]);
    expect(views.pairs().map((p) => p.key)).toEqual(['probe']);
  });
});

describe('Socket.IO over Engine.IO long polling', () => {
  const polling = 'http://127.0.0.1:1/socket.io/?EIO=4&transport=polling&sid=S1';
  it('reads every packet of a body, with its index; `ok` is no payload; bad base64 is malformed', () => {
    const store = sessionWith(testConnection('p', { kind: 'http', method: 'POST', url: polling }), [
      out('42["a",1]\x1e451-["up",{"_placeholder":true,"num":0}]\x1ebAQL6', 1),
      inn('ok', 2),
      out('2\x1eb%%%', 3),
    ]);
    const views = new ProtocolViews(store, { live: false });
    expect(views.channelOf('p')).toBe('eio:S1');
    expect(views.annotationOf(1)?.messages.map((m) => [m.index, m.kind, m.summary])).toEqual([
      [0, 'EVENT', 'EVENT a [1]'],
      [1, 'BINARY_EVENT', 'BINARY_EVENT up ["<binary #0>"]'],
      [2, 'attachment', 'attachment #0 of 1 (3 B)'],
    ]);
    expect(views.annotationOf(2)).toBeUndefined();
    expect(views.annotationOf(3)?.messages.map((m) => [m.index, m.malformed?.code])).toEqual([
      [0, undefined],
      [1, 'engineio.base64'],
    ]);
    // The attachment in the same body is joined into its placeholder when the entry is opened.
    const tree = views.detailOf(1)?.trees[1] as { data: unknown[] };
    expect(tree.data).toEqual(['up', new Uint8Array([1, 2, 250])]);
  });
});
