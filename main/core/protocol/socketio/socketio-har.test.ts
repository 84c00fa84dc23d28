/**
 * A HAR as Chrome saves it for a Socket.IO page (polling handshake, a POST and a GET, then the
 * WebSocket after the upgrade) comes out dissected: one Engine.IO session, acks paired across
 * the polling requests and the WebSocket.
 */
import { describe, expect, it } from 'vitest';
import { importHarText } from '../../session/har-import.ts';
import { ProtocolViews } from '../dissect/protocol-views.ts';

const base = 'http://localhost:3000/socket.io/?EIO=4&transport=polling&t=P1';
const sid = 'Yf2nQx9';

function xhr(
  method: string,
  url: string,
  started: string,
  post: string | undefined,
  answer: string,
) {
  return {
    startedDateTime: started,
    time: 3.5,
    request: {
      method,
      url,
      httpVersion: 'HTTP/1.1',
      headers: [],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: post === undefined ? 0 : post.length,
      ...(post === undefined
        ? {}
        : { postData: { mimeType: 'text/plain;charset=UTF-8', text: post } }),
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      content: { size: answer.length, mimeType: 'text/plain; charset=UTF-8', text: answer },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 3, receive: 0.5 },
    _resourceType: 'xhr',
  };
}

const har = {
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    pages: [],
    entries: [
      xhr(
        'GET',
        base,
        '2024-05-02T09:15:00.000Z',
        undefined,
        `0{"sid":"${sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`,
      ),
      xhr(
        'POST',
        `${base}&sid=${sid}`,
        '2024-05-02T09:15:00.010Z',
        '40\x1e421["join","room-1"]',
        'ok',
      ),
      xhr(
        'GET',
        `${base}&sid=${sid}`,
        '2024-05-02T09:15:00.011Z',
        undefined,
        '40{"sid":"ns-1"}\x1e431["joined"]',
      ),
      {
        ...xhr(
          'GET',
          `ws://localhost:3000/socket.io/?EIO=4&transport=websocket&sid=${sid}`,
          '2024-05-02T09:15:00.050Z',
          undefined,
          '',
        ),
        response: {
          status: 101,
          statusText: 'Switching Protocols',
          httpVersion: 'HTTP/1.1',
          headers: [],
          cookies: [],
          content: { size: 0, mimeType: 'x-unknown' },
          redirectURL: '',
          headersSize: -1,
          bodySize: -1,
        },
        _resourceType: 'websocket',
        _webSocketMessages: [
          { type: 'send', time: 1714641300.06, opcode: 1, data: '2probe' },
          { type: 'receive', time: 1714641300.061, opcode: 1, data: '3probe' },
          { type: 'send', time: 1714641300.062, opcode: 1, data: '5' },
          { type: 'send', time: 1714641300.07, opcode: 1, data: '422["chat","hi"]' },
          { type: 'receive', time: 1714641300.09, opcode: 1, data: '432[true]' },
        ],
      },
    ],
  },
};

describe('a Chrome HAR of a Socket.IO page', () => {
  it('is dissected: polling requests and the WebSocket in one Engine.IO session, acks paired', () => {
    const { store } = importHarText(JSON.stringify(har), 'chrome.har');
    const views = new ProtocolViews(store, { live: false });
    const channels = views.channels();
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ id: `eio:${sid}`, protocol: 'socketio', malformed: 0 });
    expect(channels[0]?.connectionIds).toHaveLength(4);
    expect(
      views.pairs().map((p) => [p.kind, p.key, p.request.connectionId === p.answer.connectionId]),
    ).toEqual([
      ['connect', '/', false],
      ['ack', '/#1', false],
      ['ping', 'probe', true],
      ['ack', '/#2', true],
    ]);
    expect(views.unanswered()).toEqual([]);
  });
});
