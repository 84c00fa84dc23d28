import { describe, expect, it } from 'vitest';
import { setupSnippets } from './snippets.ts';

describe('proxy setup snippets', () => {
  it('offers nothing while the proxy is stopped', () => {
    expect(setupSnippets({ running: false, settings: { port: 8080 } })).toEqual([]);
  });

  it('gives plain proxy settings without MITM', () => {
    const snippets = setupSnippets({
      running: true,
      url: 'http://127.0.0.1:8080',
      settings: { port: 8080 },
    });
    expect(snippets.map((s) => s.title)).toHaveLength(4);
    expect(snippets[0]?.text).toBe(
      'export HTTP_PROXY=http://127.0.0.1:8080 HTTPS_PROXY=http://127.0.0.1:8080 NO_PROXY=',
    );
    expect(snippets[1]?.text).toBe(
      'curl -N --proxy http://127.0.0.1:8080 https://example.com/events',
    );
    expect(snippets[3]?.text).toBe(
      "chromium --proxy-server=http://127.0.0.1:8080 --proxy-bypass-list='<-loopback>'",
    );
  });

  it('adds the CA (quoted when its path needs it) and the SPKI pin with MITM', () => {
    const snippets = setupSnippets({
      running: true,
      url: 'http://127.0.0.1:9000',
      settings: { port: 9000, mitm: true },
      ca: { certPath: "/home/a b/ca's.pem", spkiSha256: 'abc=' },
    });
    expect(snippets[0]?.text).toContain(`SSL_CERT_FILE='/home/a b/ca'\\''s.pem'`);
    expect(snippets[2]?.text).toContain('NODE_USE_ENV_PROXY=1');
    expect(snippets[2]?.text).toContain('NODE_EXTRA_CA_CERTS=');
    expect(snippets[3]?.text).toContain('--ignore-certificate-errors-spki-list=abc=');
  });

  it('explains reverse mode instead', () => {
    const snippets = setupSnippets({
      running: true,
      url: 'http://127.0.0.1:9001',
      settings: { port: 9001, target: 'wss://api.example' },
    });
    expect(snippets).toEqual([
      {
        title: 'Reverse proxy: point the client here instead of the server',
        text: 'wss://api.example → http://127.0.0.1:9001/',
      },
    ]);
  });
});
