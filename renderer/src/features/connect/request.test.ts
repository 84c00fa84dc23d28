import { describe, expect, it } from 'vitest';
import { emptyForm, formToRequest, modeForUrl, requestToForm } from './request.ts';

describe('connect form', () => {
  it('builds a WebSocket request with headers and subprotocols', () => {
    const result = formToRequest({
      ...emptyForm,
      url: ' wss://example.test/socket ',
      headers: [
        { name: 'Authorization', value: 'Bearer x' },
        { name: '', value: '' },
      ],
      protocols: 'graphql-ws, v2',
      insecure: true,
    });
    expect(result).toEqual({
      ok: true,
      request: {
        url: 'wss://example.test/socket',
        mode: 'ws',
        headers: [['Authorization', 'Bearer x']],
        protocols: ['graphql-ws', 'v2'],
        insecure: true,
        deflate: true,
      },
    });
    if (result.ok) expect(requestToForm(result.request).protocols).toBe('graphql-ws, v2');
  });

  it('builds an SSE POST with a body, and picks the mode from the scheme', () => {
    expect(modeForUrl('https://x.test/', 'ws')).toBe('sse');
    expect(modeForUrl('ws://x.test/', 'sse')).toBe('ws');
    expect(
      formToRequest({
        ...emptyForm,
        url: 'https://x.test/v1',
        mode: 'sse',
        method: 'post',
        body: '{}',
      }),
    ).toEqual({
      ok: true,
      request: { url: 'https://x.test/v1', mode: 'sse', method: 'POST', body: '{}' },
    });
  });

  it('explains what is wrong before asking the core', () => {
    expect(formToRequest({ ...emptyForm, url: 'example.test' })).toMatchObject({
      ok: false,
      error: /full URL/,
    });
    expect(formToRequest({ ...emptyForm, url: 'ws://x.test', mode: 'sse' })).toMatchObject({
      ok: false,
      error: /http:\/\//,
    });
    expect(
      formToRequest({
        ...emptyForm,
        url: 'ws://x.test',
        headers: [{ name: 'bad name', value: '1' }],
      }),
    ).toMatchObject({
      ok: false,
      error: /not a valid header name/,
    });
  });
});
