import { describe, expect, it } from 'vitest';
import { exportHar } from './har-export.ts';
import { importHarText } from './har-import.ts';
import { SessionStore } from './store.ts';

/** A proxied plain exchange: its bodies are entries, not connection fields. */
function exchangeStore(): SessionStore {
  const store = new SessionStore();
  store.addConnection({
    id: 'poll',
    kind: 'http',
    source: 'proxy',
    url: 'http://a/socket.io/?EIO=4&transport=polling&sid=x',
    method: 'POST',
    requestHeaders: [['Content-Type', 'text/plain;charset=UTF-8']],
    response: {
      status: 200,
      statusText: 'OK',
      headers: [['Content-Type', 'application/octet-stream']],
    },
    state: 'closed',
    openedAt: 1000,
    closedAt: 1010,
    bytesOut: 20,
    bytesIn: 4,
  });
  const base = { connectionId: 'poll', payloadSize: 0, wireSize: 0 } as const;
  store.append({
    ...base,
    time: 1001,
    direction: 'out',
    kind: 'text',
    payload: '42["chat","hi"]\x1e3',
    payloadSize: 18,
    wireSize: 18,
  });
  store.append({
    ...base,
    time: 1009,
    direction: 'in',
    kind: 'binary',
    payload: new Uint8Array([0x6f, 0x6b, 0xff]),
    payloadSize: 3,
    wireSize: 4,
    notes: [{ code: 'body-truncated', message: 'cut' }],
  });
  store.append({
    ...base,
    time: 1010,
    direction: 'in',
    kind: 'lifecycle',
    payload: 'done',
    lifecycle: 'closed',
  });
  return store;
}

describe('HAR bodies of plain exchanges', () => {
  it('writes them where HAR tools look (postData, content) and reads them back as entries', () => {
    const store = exchangeStore();
    const har = exportHar(store);
    const entry = har.log.entries[0];
    expect(entry?.request.postData).toEqual({
      mimeType: 'text/plain;charset=UTF-8',
      text: '42["chat","hi"]\x1e3',
    });
    expect(entry?.response.content).toEqual({
      size: 3,
      mimeType: 'application/octet-stream',
      text: 'b2v/',
      encoding: 'base64',
    });
    // Not written twice: the entries point at the bodies.
    expect(entry?._telltaleEntries?.map((e) => [e.message, e.payload])).toEqual([
      [0, undefined],
      [0, undefined],
      [undefined, 'done'],
    ]);
    const back = importHarText(JSON.stringify(har), 'x.har').store;
    expect([...back.entriesOf('poll')]).toEqual([...store.entriesOf('poll')]);
    expect(back.getConnection('poll')?.requestBody).toBeUndefined();
    expect(back.getConnection('poll')?.response?.body).toBeUndefined();
  });
});
