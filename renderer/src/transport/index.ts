/**
 * Chooses the transport once at boot: inside Electron the preload has put `window.telltale`
 * there; in a browser tab the page talks to the headless server that served it, with the token
 * from its own URL. The rest of the UI sees one InspectorApi either way.
 */
import type { InspectorApi } from '../../../shared/api.ts';
import { connectWsApi } from './ws-client.ts';

declare global {
  interface Window {
    telltale?: InspectorApi;
  }
}

export async function connectApi(location: Location = window.location): Promise<InspectorApi> {
  if (window.telltale) return window.telltale;
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const { api, ready } = connectWsApi(
    `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`,
  );
  await ready;
  return api;
}
