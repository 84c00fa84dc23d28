/** Copy-ready ways to send a client's traffic through the proxy (pure, tested). */
import type { ProxyState } from '../../../../shared/api.ts';

export interface SetupSnippet {
  title: string;
  text: string;
}

/** Shell-quotes a path or value when it needs it. */
function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export function setupSnippets(state: ProxyState): SetupSnippet[] {
  if (!state.running || !state.url) return [];
  const proxy = state.url;
  const ca = state.settings.mitm && state.ca ? state.ca : undefined;
  if (state.settings.target) {
    const origin = new URL(proxy);
    return [
      {
        title: 'Reverse proxy: point the client here instead of the server',
        text: `${state.settings.target} → ${origin.protocol}//${origin.host}/`,
      },
    ];
  }
  const caEnv = ca ? ` NODE_EXTRA_CA_CERTS=${quote(ca.certPath)}` : '';
  return [
    {
      title: 'Environment variables (most tools)',
      text: [
        `export HTTP_PROXY=${proxy} HTTPS_PROXY=${proxy} NO_PROXY=`,
        ...(ca
          ? [`export SSL_CERT_FILE=${quote(ca.certPath)} NODE_EXTRA_CA_CERTS=${quote(ca.certPath)}`]
          : []),
      ].join('\n'),
    },
    {
      title: 'curl (an event stream)',
      text: `curl -N --proxy ${proxy}${ca ? ` --cacert ${quote(ca.certPath)}` : ''} https://example.com/events`,
    },
    {
      title: 'Node.js 24 (fetch, WebSocket and http honour the proxy variables)',
      text: `NODE_USE_ENV_PROXY=1 HTTP_PROXY=${proxy} HTTPS_PROXY=${proxy}${caEnv} node app.js`,
    },
    {
      title: 'Chromium / Chrome',
      text: [
        `chromium --proxy-server=${proxy} --proxy-bypass-list='<-loopback>'`,
        ...(ca ? [`  --ignore-certificate-errors-spki-list=${ca.spkiSha256}`] : []),
      ].join(' \\\n'),
    },
  ];
}
