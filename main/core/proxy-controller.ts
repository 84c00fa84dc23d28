import type { CaCertificate, ProxySettings, ProxyState } from '../../shared/api.ts';
import { ApiError } from './api/api-error.ts';
import { loadOrCreateCa } from './proxy/ca.ts';
import type { CertificateAuthority } from './proxy/ca.ts';
import { startProxy } from './proxy/proxy-server.ts';
import type { ProxyHandle } from './proxy/proxy-server.ts';
import type { SessionStore } from './session/store.ts';
import type { BreakpointController } from './replay/breakpoints.ts';

/**
 * The proxy as the service runs it: one at a time, started, restarted with new settings or
 * stopped on command, recording into whatever store is the session now, and reporting its state.
 */
export class ProxyController {
  readonly #currentStore: () => SessionStore;
  readonly #caDir: string | undefined;
  readonly #onState: (state: ProxyState) => void;
  /** One set of rules for every proxy this controller starts: they outlive restarts. */
  readonly breakpoints: BreakpointController;
  #handle: ProxyHandle | null = null;
  #settings: ProxySettings = { port: 8080, host: '127.0.0.1', mitm: false };
  #error: string | undefined;
  #ca: CertificateAuthority | null = null;
  /** Start/stop requests run one after another, never interleaved. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    currentStore: () => SessionStore,
    caDir: string | undefined,
    onState: (state: ProxyState) => void,
    breakpoints: BreakpointController,
  ) {
    this.breakpoints = breakpoints;
    this.#currentStore = currentStore;
    this.#caDir = caDir;
    this.#onState = onState;
  }

  state(): ProxyState {
    return {
      running: this.#handle !== null,
      ...(this.#handle ? { url: this.#handle.url } : {}),
      settings: { ...this.#settings },
      ...(this.#error ? { error: this.#error } : {}),
      ...(this.#ca ? { ca: { certPath: this.#ca.certPath, spkiSha256: this.#ca.spkiSha256 } } : {}),
    };
  }

  start(settings: ProxySettings): Promise<ProxyState> {
    return this.#serially(async () => {
      await this.#closeHandle();
      this.#settings = { host: '127.0.0.1', mitm: false, ...settings };
      this.#error = undefined;
      try {
        const mitm = this.#settings.mitm ? await this.#loadCa() : null;
        this.#handle = await startProxy(this.#currentStore, {
          port: this.#settings.port,
          host: this.#settings.host ?? '127.0.0.1',
          mitm,
          insecureUpstream: this.#settings.insecureUpstream ?? false,
          breakpoints: this.breakpoints,
          ...(this.#settings.target !== undefined ? { target: this.#settings.target } : {}),
        });
      } catch (error) {
        this.#error = `cannot start the proxy on ${this.#settings.host ?? '127.0.0.1'}:${this.#settings.port}: ${(error as Error).message}`;
      }
      return this.#announce();
    });
  }

  stop(): Promise<ProxyState> {
    return this.#serially(async () => {
      await this.#closeHandle();
      this.#error = undefined;
      return this.#announce();
    });
  }

  /** The running proxy, for injection (null when stopped). */
  get handle(): ProxyHandle | null {
    return this.#handle;
  }

  async caCertificate(): Promise<CaCertificate> {
    const ca = await this.#loadCa();
    return { pem: ca.certPem, certPath: ca.certPath, spkiSha256: ca.spkiSha256 };
  }

  async #loadCa(): Promise<CertificateAuthority> {
    if (this.#ca) return this.#ca;
    if (!this.#caDir) throw new ApiError('failed', 'this host has no data folder to keep a CA in');
    this.#ca = await loadOrCreateCa(this.#caDir);
    return this.#ca;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
  }

  #announce(): ProxyState {
    const state = this.state();
    this.#onState(state);
    return state;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
