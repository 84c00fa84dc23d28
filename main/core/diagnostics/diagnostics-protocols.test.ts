/**
 * The application-protocol rules over hand-built sessions read through the real protocol views:
 * each rule fires on a misbehaving exchange, with its evidence, and a well-behaved exchange of the
 * same protocol fires nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import { packet, str, u16 } from '../protocol/mqtt/mqtt-test-builders.ts';
import {
  inn,
  out,
  sessionWith,
  testConnection,
  type TestMessage,
} from '../protocol/dissect/test-support.ts';
import { SessionStore } from '../session/store.ts';
import { diagnoseStore } from './records.ts';
import type { DiagnosticsOptions, Finding } from './types.ts';

const fast: DiagnosticsOptions = { answerTimeoutMs: 1000 };
const rules = (findings: Finding[]) => findings.map((f) => f.rule);
const closedAt = (ms: number): Partial<Connection> => ({ state: 'closed', closedAt: 1000 + ms });

function diagnose(
  connection: Connection,
  messages: readonly TestMessage[],
  options: DiagnosticsOptions & { now?: number } = {},
): Finding[] {
  return diagnoseStore(sessionWith(connection, messages), { ...fast, ...options });
}

const rpc = (patch: Partial<Connection> = {}) =>
  testConnection('c', { protocol: 'jsonrpc', ...patch });
const call = (id: number | string, method: string, at: number) =>
  out(JSON.stringify({ jsonrpc: '2.0', id, method }), at);
const result = (id: number | string, at: number) =>
  inn(JSON.stringify({ jsonrpc: '2.0', id, result: {} }), at);
const rpcError = (id: number, code: number, message: string, at: number) =>
  inn(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }), at);

describe('JSON-RPC rules', () => {
  it('requests answered both ways, notifications: no findings', () => {
    const findings = diagnose(rpc(closedAt(100)), [
      call(1, 'initialize', 1),
      result(1, 2),
      out('{"jsonrpc":"2.0","method":"notifications/initialized"}', 3),
      // The server calls the client with the same id: ids are per direction.
      inn('{"jsonrpc":"2.0","id":1,"method":"roots/list"}', 4),
      call(2, 'tools/list', 5),
      out('{"jsonrpc":"2.0","id":1,"result":{"roots":[]}}', 6),
      result(2, 7),
      // A null id answers nothing (a parse error): counted as an error, never as unknown.
    ]);
    expect(findings).toEqual([]);
  });

  it('jsonrpc.unanswered: a request without response by the close, naming method and id', () => {
    const findings = diagnose(rpc(closedAt(100)), [
      call(1, 'tools/list', 1),
      result(1, 2),
      call(2, 'tools/call', 10),
    ]);
    expect(rules(findings)).toEqual(['jsonrpc.unanswered']);
    expect(findings[0]?.evidence.seqs).toEqual([3]);
    expect(findings[0]?.message).toMatch(
      /^1 request without a response by the time the connection closed: tools\/call #2 \(90 ms before the close\)\.$/,
    );
  });

  it('jsonrpc.unanswered while open: only requests older than the answer timeout', () => {
    const messages = [call(1, 'slow', 1), call(2, 'young', 4900)];
    expect(diagnose(rpc(), messages, { now: 1000 + 5000 }).map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^1 request without a response after 1\.0 s \(still open\): slow #1 \(waiting 5\.0 s\)\.$/,
      ),
    ]);
    expect(diagnose(rpc(), messages, { now: 1000 + 900 })).toEqual([]);
  });

  it('jsonrpc.duplicate-response: a second answer to an answered id (error severity)', () => {
    const findings = diagnose(rpc(closedAt(100)), [call(1, 'a', 1), result(1, 2), result(1, 3)]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence.seqs])).toEqual([
      ['jsonrpc.duplicate-response', 'error', [3]],
    ]);
  });

  it('jsonrpc.unknown-id: an answer to an id never asked ("1" is not 1), only where requests were seen', () => {
    const findings = diagnose(rpc(closedAt(100)), [call('1', 'a', 1), result(1, 2)]);
    expect(rules(findings)).toEqual(['jsonrpc.unanswered', 'jsonrpc.unknown-id']);
    expect(findings[1]?.message).toContain('#1');
    // A capture that saw no request that way proves nothing.
    expect(diagnose(rpc(closedAt(100)), [result(5, 1)])).toEqual([]);
  });

  it('jsonrpc.error-responses: error answers summed up by code, with the methods that got them', () => {
    const findings = diagnose(rpc(closedAt(100)), [
      call(1, 'tools/nope', 1),
      rpcError(1, -32601, 'Method not found', 2),
      call(2, 'tools/nope', 3),
      rpcError(2, -32601, 'Method not found', 4),
      call(3, 'tools/call', 5),
      rpcError(3, -32602, 'Invalid params', 6),
      inn('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}', 7),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence.seqs])).toEqual([
      ['jsonrpc.error-responses', 'info', [2, 4, 6, 7]],
    ]);
    expect(findings[0]?.message).toBe(
      '4 error responses: -32601 "Method not found" ×2 (tools/nope ×2); -32602 "Invalid params" ×1 (tools/call ×1); -32700 "Parse error" ×1.',
    );
  });
});

const sioUrl = 'ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket';
const sio = (patch: Partial<Connection> = {}) => testConnection('c', { url: sioUrl, ...patch });
const open = inn('0{"sid":"abc","upgrades":[],"pingInterval":100,"pingTimeout":50}', 0);

describe('Socket.IO rules', () => {
  it('a kept heartbeat, acks both ways, a second namespace, the upgrade probe: no findings', () => {
    const findings = diagnose(sio(closedAt(330)), [
      open,
      out('40', 1),
      inn('40{"sid":"s1"}', 2),
      out('2probe', 3),
      inn('3probe', 4),
      out('421["chat","hi"]', 10),
      inn('431["ok"]', 12),
      inn('42/admin,7["x"]', 20),
      out('43/admin,7[]', 21),
      inn('2', 100),
      out('3', 102),
      inn('2', 200),
      out('3', 240),
      inn('2', 300),
      out('3', 301),
    ]);
    expect(findings).toEqual([]);
  });

  it('socketio.pong-missing: a ping never answered, and a pong later than pingTimeout', () => {
    const findings = diagnose(sio(closedAt(330)), [
      open,
      inn('2', 100),
      inn('2', 200),
      out('3', 280),
      inn('2', 300),
      out('3', 301),
    ]);
    expect(rules(findings)).toEqual(['socketio.pong-missing']);
    expect(findings[0]?.evidence.seqs).toEqual([1, 2, 3]);
    expect(findings[0]?.message).toBe(
      '2 pings got no pong within the pingTimeout of 50 ms the open packet announced (the latest came after 80 ms): the server closes such connections with "ping timeout".',
    );
  });

  it('socketio.pong-missing: the last ping unanswered when the server gave up (not when the close came sooner)', () => {
    const late = diagnose(sio(closedAt(180)), [open, inn('2', 100)]);
    expect(rules(late)).toEqual(['socketio.pong-missing']);
    expect(diagnose(sio(closedAt(120)), [open, inn('2', 100)])).toEqual([]);
  });

  it('socketio.ping-late: the server let pingInterval + pingTimeout pass without a ping', () => {
    const findings = diagnose(sio(closedAt(500)), [open, inn('2', 400), out('3', 401)]);
    expect(rules(findings)).toEqual(['socketio.ping-late']);
    expect(findings[0]?.evidence.seqs).toEqual([1, 2]);
    expect(findings[0]?.message).toMatch(
      /^No ping for 400 ms after the open packet, longer than pingInterval \+ pingTimeout \(100 ms \+ 50 ms\)/,
    );
    // Live: the silence still running counts.
    const live = diagnose(sio(), [open, inn('2', 100), out('3', 101)], { now: 1000 + 600 });
    expect(live.map((f) => f.message)).toEqual([
      expect.stringMatching(/^No ping for 500 ms after a ping up to now/),
    ]);
  });

  it('socketio.ack-unanswered: an event that asked for an ack never got it', () => {
    const findings = diagnose(sio(closedAt(90)), [
      open,
      out('421["chat","hi"]', 10),
      out('42/admin,2["save",{}]', 11),
      inn('43/admin,2[]', 12),
    ]);
    expect(rules(findings)).toEqual(['socketio.ack-unanswered']);
    expect(findings[0]?.evidence.seqs).toEqual([2]);
    expect(findings[0]?.message).toContain('chat #1 (80 ms before the close)');
  });

  it('socketio.connect-error: a namespace refused', () => {
    const findings = diagnose(sio(closedAt(90)), [
      open,
      out('40/admin,{"token":"x"}', 1),
      inn('44/admin,{"message":"not authorized"}', 2),
    ]);
    expect(rules(findings)).toEqual(['socketio.connect-error']);
    expect(findings[0]?.message).toContain('/admin: not authorized');
  });

  it('protocol.malformed: messages the dissector could not read, by code', () => {
    const findings = diagnose(sio(closedAt(90)), [open, inn('9what', 1), out('42[bad', 2)]);
    expect(rules(findings)).toEqual(['protocol.malformed']);
    expect(findings[0]?.evidence.seqs).toEqual([2, 3]);
    expect(findings[0]?.message).toMatch(
      /^2 malformed socketio messages: engineio\.type ×1, \S+ ×1\.$/,
    );
  });
});

const RS = '\u001e';
const hub = (patch: Partial<Connection> = {}) => testConnection('c', patch);
const record = (value: unknown) => `${JSON.stringify(value)}${RS}`;
const handshake = [out(record({ protocol: 'json', version: 1 }), 0), inn(record({}), 1)];

describe('SignalR rules', () => {
  it('completed, fire-and-forget and cancelled invocations: no findings', () => {
    const findings = diagnose(hub(closedAt(100)), [
      ...handshake,
      out(record({ type: 1, invocationId: '1', target: 'Send', arguments: ['a'] }), 2),
      inn(record({ type: 3, invocationId: '1', result: 1 }), 3),
      out(record({ type: 1, target: 'Fire', arguments: [] }), 4),
      out(record({ type: 4, invocationId: '2', target: 'Counter', arguments: [] }), 5),
      inn(record({ type: 2, invocationId: '2', item: 1 }), 6),
      out(record({ type: 5, invocationId: '2' }), 7),
      inn(record({ type: 6 }), 8),
    ]);
    expect(findings).toEqual([]);
  });

  it('signalr.invocation-unanswered, signalr.invocation-error, signalr.close-error', () => {
    const findings = diagnose(hub(closedAt(100)), [
      ...handshake,
      out(record({ type: 1, invocationId: '1', target: 'Slow', arguments: [] }), 2),
      out(record({ type: 1, invocationId: '2', target: 'Boom', arguments: [] }), 3),
      inn(record({ type: 3, invocationId: '2', error: 'An unexpected error occurred' }), 4),
      inn(record({ type: 7, error: 'Server shutting down', allowReconnect: true }), 5),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence.seqs])).toEqual([
      ['signalr.invocation-unanswered', 'warning', [3]],
      ['signalr.invocation-error', 'info', [5]],
      ['signalr.close-error', 'error', [6]],
    ]);
    expect(findings[0]?.message).toContain('Slow #1');
    expect(findings[1]?.message).toContain('Boom #2: An unexpected error occurred');
    expect(findings[2]?.message).toContain('Close: Server shutting down');
  });
});

const gql = (patch: Partial<Connection> = {}) =>
  testConnection('c', { protocol: 'graphql-transport-ws', ...patch });
const msg = (value: unknown) => JSON.stringify(value);
const subscribe = (id: string, query: string) => msg({ type: 'subscribe', id, payload: { query } });

describe('GraphQL over WebSocket rules', () => {
  it('answered queries, subscriptions ended by either side: no findings', () => {
    const findings = diagnose(gql(closedAt(100)), [
      out(msg({ type: 'connection_init' }), 0),
      inn(msg({ type: 'connection_ack' }), 1),
      out(subscribe('1', 'query Q { a }'), 2),
      inn(msg({ type: 'next', id: '1', payload: { data: { a: 1 } } }), 3),
      inn(msg({ type: 'complete', id: '1' }), 4),
      out(subscribe('2', 'subscription S { m }'), 5),
      inn(msg({ type: 'next', id: '2', payload: { data: { m: 1 } } }), 6),
      out(msg({ type: 'complete', id: '2' }), 7),
      out(subscribe('3', 'subscription T { m }'), 8),
      inn(msg({ type: 'complete', id: '3' }), 9),
    ]);
    expect(findings).toEqual([]);
  });

  it('graphql.operation-unanswered and graphql.subscription-not-completed at the close', () => {
    const findings = diagnose(gql(closedAt(100)), [
      out(subscribe('1', 'mutation Save { a }'), 2),
      out(subscribe('2', 'subscription OnMessage { m }'), 3),
      inn(msg({ type: 'next', id: '2', payload: { data: { m: 1 } } }), 4),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence.seqs])).toEqual([
      ['graphql.operation-unanswered', 'warning', [1]],
      ['graphql.subscription-not-completed', 'info', [2]],
    ]);
    expect(findings[0]?.message).toContain('mutation Save #1');
    expect(findings[1]?.message).toContain('subscription OnMessage #2, 1 result so far');
  });

  it('while open, a running subscription is fine; a query past the answer timeout is not', () => {
    const messages = [
      out(subscribe('1', 'query Q { a }'), 1),
      out(subscribe('2', 'subscription S { m }'), 2),
    ];
    expect(rules(diagnose(gql(), messages, { now: 1000 + 5000 }))).toEqual([
      'graphql.operation-unanswered',
    ]);
  });

  it('the legacy protocol: start, data, stop is complete', () => {
    const legacy = testConnection('c', { protocol: 'graphql-ws', ...closedAt(100) });
    const findings = diagnose(legacy, [
      out(msg({ type: 'connection_init' }), 0),
      inn(msg({ type: 'connection_ack' }), 1),
      out(msg({ type: 'start', id: '1', payload: { query: 'subscription S { m }' } }), 2),
      inn(msg({ type: 'data', id: '1', payload: { data: { m: 1 } } }), 3),
      out(msg({ type: 'stop', id: '1' }), 4),
    ]);
    expect(findings).toEqual([]);
  });
});

const mqtt = (patch: Partial<Connection> = {}) =>
  testConnection('c', { protocol: 'mqtt', ...patch });
const connect = (keepAlive: number) =>
  packet(0x10, [...str('MQTT'), 4, 0x02, ...u16(keepAlive), ...str('client-1')]);
const connack = packet(0x20, [0, 0]);
const publish = (qos: number, id: number) =>
  packet(0x30 | (qos << 1), [...str('a/b'), ...(qos > 0 ? u16(id) : []), ...Buffer.from('x')]);
const ack = (type: number, id: number) => packet(type, u16(id));
const [PUBACK, PUBREC, PUBREL, PUBCOMP] = [0x40, 0x50, 0x62, 0x70];
const pingreq = packet(0xc0, []);
const pingresp = packet(0xd0, []);

describe('MQTT rules', () => {
  it('QoS 0, 1 and 2 flows both ways, acknowledged control packets, pings within keep-alive: no findings', () => {
    const findings = diagnose(mqtt(closedAt(3000)), [
      out(connect(1), 0),
      inn(connack, 1),
      out(packet(0x82, [...u16(1), ...str('a/#'), 2]), 2),
      inn(packet(0x90, [...u16(1), 2]), 3),
      out(publish(0, 0), 4),
      out(publish(1, 2), 5),
      inn(ack(PUBACK, 2), 6),
      out(publish(2, 3), 7),
      inn(ack(PUBREC, 3), 8),
      out(ack(PUBREL, 3), 9),
      inn(ack(PUBCOMP, 3), 10),
      inn(publish(2, 9), 11),
      out(ack(PUBREC, 9), 12),
      inn(ack(PUBREL, 9), 13),
      out(ack(PUBCOMP, 9), 14),
      out(pingreq, 900),
      inn(pingresp, 901),
      out(pingreq, 1800),
      inn(pingresp, 1801),
      out(packet(0xe0, []), 2700),
    ]);
    expect(findings).toEqual([]);
  });

  it('mqtt.qos-incomplete: each step owed and missing, tallied', () => {
    const findings = diagnose(mqtt(closedAt(100)), [
      out(connect(60), 0),
      inn(connack, 1),
      out(publish(1, 1), 2),
      out(publish(2, 2), 3),
      inn(ack(PUBREC, 2), 4),
      out(publish(2, 3), 5),
      inn(ack(PUBREC, 3), 6),
      out(ack(PUBREL, 3), 7),
      inn(publish(2, 4), 8),
    ]);
    expect(rules(findings)).toEqual(['mqtt.qos-incomplete']);
    expect(findings[0]?.evidence.seqs).toEqual([3, 5, 8, 9]);
    expect(findings[0]?.message).toContain('QoS 1 PUBLISH without PUBACK #1 on a/b');
    expect(findings[0]?.message).toMatch(
      /In all: QoS 1 PUBLISH without PUBACK ×1, PUBREC without PUBREL ×1, PUBREL without PUBCOMP ×1, QoS 2 PUBLISH without PUBREC ×1\.$/,
    );
  });

  it('mqtt.unanswered: a SUBSCRIBE without SUBACK, a PINGREQ without PINGRESP', () => {
    const findings = diagnose(mqtt(closedAt(100)), [
      out(connect(60), 0),
      inn(connack, 1),
      out(packet(0x82, [...u16(5), ...str('x'), 0]), 2),
      out(pingreq, 3),
    ]);
    expect(rules(findings)).toEqual(['mqtt.unanswered']);
    expect(findings[0]?.message).toContain('SUBSCRIBE #5 without SUBACK');
    expect(findings[0]?.message).toContain('PINGREQ without PINGRESP');
  });

  it('mqtt.keep-alive-exceeded: the client silent beyond 1.5 × its keep-alive', () => {
    const findings = diagnose(mqtt(closedAt(2200)), [
      out(connect(1), 0),
      inn(connack, 1),
      out(pingreq, 1600),
      inn(pingresp, 1601),
    ]);
    expect(rules(findings)).toEqual(['mqtt.keep-alive-exceeded']);
    expect(findings[0]?.evidence.seqs).toEqual([1, 3]);
    expect(findings[0]?.message).toMatch(
      /^The client sent nothing for 1\.6 s, over 1\.5 × its keep-alive of 1\.0 s/,
    );
  });
});

const stomp = (patch: Partial<Connection> = {}) =>
  testConnection('c', { protocol: 'v12.stomp', ...patch });

describe('STOMP rules', () => {
  it('receipts received: no findings', () => {
    const findings = diagnose(stomp(closedAt(100)), [
      out('CONNECT\naccept-version:1.2\nhost:/\n\n\0', 0),
      inn('CONNECTED\nversion:1.2\n\n\0', 1),
      out('SEND\ndestination:/queue/a\nreceipt:r1\n\nhi\0', 2),
      inn('RECEIPT\nreceipt-id:r1\n\n\0', 3),
      out('DISCONNECT\nreceipt:r2\n\n\0', 4),
      inn('RECEIPT\nreceipt-id:r2\n\n\0', 5),
    ]);
    expect(findings).toEqual([]);
  });

  it('stomp.receipt-missing and stomp.error-frame', () => {
    const findings = diagnose(stomp(closedAt(100)), [
      out('CONNECT\naccept-version:1.2\nhost:/\n\n\0', 0),
      inn('CONNECTED\nversion:1.2\n\n\0', 1),
      out('SUBSCRIBE\nid:0\ndestination:/nowhere\nreceipt:r1\n\n\0', 2),
      inn('ERROR\nmessage:unknown destination\n\n\0', 3),
      out('DISCONNECT\nreceipt:r2\n\n\0', 4),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence.seqs])).toEqual([
      ['stomp.receipt-missing', 'warning', [3, 5]],
      ['stomp.error-frame', 'error', [4]],
    ]);
    expect(findings[0]?.message).toContain('SUBSCRIBE receipt:r1');
    expect(findings[1]?.message).toContain('unknown destination');
  });
});

describe('MCP Streamable HTTP rule', () => {
  const endpoint = 'http://127.0.0.1:1/mcp';
  const accept: [string, string] = ['Accept', 'application/json, text/event-stream'];
  function exchange(
    id: string,
    at: number,
    patch: Partial<Connection>,
    response: { status?: number; session?: string } = {},
  ): Connection {
    return testConnection(id, {
      kind: 'http',
      method: 'POST',
      url: endpoint,
      requestHeaders: [accept],
      openedAt: 1000 + at,
      state: 'closed',
      closedAt: 1000 + at + 5,
      response: {
        status: response.status ?? 200,
        statusText: '',
        headers: [
          ['Content-Type', 'application/json'],
          ...(response.session === undefined
            ? []
            : [['Mcp-Session-Id', response.session] as [string, string]]),
        ],
      },
      ...patch,
    });
  }
  const initialize = (id: string, at: number, session: string) =>
    exchange(
      id,
      at,
      { requestBody: '{"jsonrpc":"2.0","id":1,"method":"initialize"}' },
      { session },
    );
  const withSession = (id: string, at: number, session: string, patch: Partial<Connection> = {}) =>
    exchange(id, at, { requestHeaders: [accept, ['Mcp-Session-Id', session]], ...patch });

  function diagnoseConnections(connections: Connection[]): Finding[] {
    const store = new SessionStore();
    for (const c of connections) store.addConnection(c);
    return diagnoseStore(store, fast);
  }

  it('the session id sent on every request after initialize; a new initialize later: no findings', () => {
    const findings = diagnoseConnections([
      initialize('i', 0, 'abc'),
      withSession('a', 10, 'abc'),
      withSession('b', 20, 'abc', {
        kind: 'sse',
        method: 'GET',
        state: 'open',
        response: {
          status: 200,
          statusText: 'OK',
          headers: [
            ['Content-Type', 'text/event-stream'],
            ['Cache-Control', 'no-cache'],
          ],
        },
      }),
      initialize('j', 30, 'def'),
      withSession('c', 40, 'def', { method: 'DELETE' }),
    ]);
    expect(findings).toEqual([]);
  });

  it('mcp.missing-session-id: requests after initialize without the header (error severity)', () => {
    const findings = diagnoseConnections([
      // Before the session exists, requests go without it.
      exchange('early', -5, {}),
      initialize('i', 0, 'abc'),
      withSession('a', 10, 'abc'),
      exchange('b', 20, {}, { status: 400 }),
      // The GET stream refused: recorded as a plain exchange.
      exchange('c', 30, { method: 'GET' }, { status: 400 }),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.connectionId, f.evidence.headers])).toEqual([
      ['mcp.missing-session-id', 'error', 'b', [['Mcp-Session-Id', 'abc']]],
    ]);
    expect(findings[0]?.message).toBe(
      '2 requests to http://127.0.0.1:1/mcp without Mcp-Session-Id after initialize returned session "abc" (POST ×1, GET ×1); the server answered 400 ×2.',
    );
  });
});
