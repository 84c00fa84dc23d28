/**
 * The replay features as the service offers them: breakpoints over the proxy, injection into
 * proxied connections, replays and mock servers. The engine is main/core/replay; this file turns
 * its objects into the contract's plain JSON and back.
 */
import type { Connection } from '../../shared/model/connection.ts';
import type { Direction, Payload } from '../../shared/model/entry.ts';
import type {
  BreakpointRule,
  BreakpointState,
  HandshakeRule,
  MockInfo,
  PausedMessage,
  ReplayRequest,
  ReplayResult,
  SentMessage,
} from '../../shared/model/replay.ts';
import { ApiError } from './api/api-error.ts';
import type { ProxyController } from './proxy-controller.ts';
import { BreakpointController, RuleError } from './replay/breakpoints.ts';
import type { PausedMessage as EnginePaused } from './replay/breakpoints.ts';
import { startMockServer } from './replay/mock-server.ts';
import type { MockServerHandle } from './replay/mock-server.ts';
import type { OutgoingMessage } from './replay/outgoing.ts';
import { replayConnection } from './replay/replay-runner.ts';
import { bytesToBase64 } from './session/ndjson.ts';
import type { SessionStore } from './session/store.ts';

export function toOutgoing(message: SentMessage): OutgoingMessage {
  switch (message.kind) {
    case 'text':
      return { kind: 'text', payload: message.text };
    case 'binary':
      return { kind: 'binary', payload: Buffer.from(message.base64, 'base64') };
    case 'event':
      return {
        kind: 'event',
        payload: message.data,
        ...(message.event !== undefined ? { event: message.event } : {}),
        ...(message.id !== undefined ? { id: message.id } : {}),
      };
  }
}

export function payloadOf(message: SentMessage): Payload {
  switch (message.kind) {
    case 'text':
      return message.text;
    case 'binary':
      return Buffer.from(message.base64, 'base64');
    case 'event':
      return message.data;
  }
}

function pausedToWire(paused: EnginePaused): PausedMessage {
  const { payload, ...rest } = paused;
  return typeof payload === 'string'
    ? { ...rest, payload }
    : { ...rest, payload: bytesToBase64(payload), payloadEncoding: 'base64' };
}

export class ReplayFeatures {
  readonly breakpoints: BreakpointController;
  readonly #currentStore: () => SessionStore;
  readonly #proxy: () => ProxyController;
  readonly #mocks = new Map<string, { info: MockInfo; handle: MockServerHandle }>();
  #nextMock = 1;

  constructor(
    currentStore: () => SessionStore,
    proxy: () => ProxyController,
    onChange: (state: BreakpointState) => void,
  ) {
    this.#currentStore = currentStore;
    this.#proxy = proxy;
    this.breakpoints = new BreakpointController({
      onPause: () => {
        onChange(this.state());
      },
      onResolve: () => {
        onChange(this.state());
      },
    });
  }

  state(): BreakpointState {
    return {
      rules: this.breakpoints.rules().map((rule) => {
        const { replacement, ...rest } = rule;
        return replacement === undefined
          ? rest
          : {
              ...rest,
              replacement:
                typeof replacement === 'string'
                  ? replacement
                  : Buffer.from(replacement).toString('utf8'),
            };
      }),
      handshakeRules: this.breakpoints.handshakeRules(),
      paused: this.breakpoints.pending().map(pausedToWire),
    };
  }

  setRules(rules: BreakpointRule[]): BreakpointState {
    try {
      this.breakpoints.setRules(rules);
    } catch (error) {
      if (error instanceof RuleError)
        throw new ApiError('invalid-arguments', `rule ${error.ruleId}: ${error.message}`);
      throw error;
    }
    return this.state();
  }

  setHandshakeRules(rules: HandshakeRule[]): BreakpointState {
    this.breakpoints.setHandshakeRules(rules);
    return this.state();
  }

  resolvePaused(id: string, action: 'forward' | 'drop', edited?: SentMessage): BreakpointState {
    const done =
      action === 'drop'
        ? this.breakpoints.drop(id)
        : this.breakpoints.forward(id, edited ? payloadOf(edited) : undefined);
    if (!done)
      throw new ApiError('not-found', `no paused message ${id} (already decided or timed out)`);
    return this.state();
  }

  async inject(connectionId: string, direction: Direction, message: SentMessage): Promise<void> {
    const handle = this.#proxy().handle;
    if (!handle)
      throw new ApiError(
        'failed',
        'the proxy is not running: only proxied connections take injected messages',
      );
    try {
      await handle.inject(connectionId, direction, toOutgoing(message));
    } catch (error) {
      throw new ApiError('failed', (error as Error).message);
    }
  }

  async replay(
    request: ReplayRequest,
  ): Promise<{ result: ReplayResult; connection: Connection | undefined }> {
    const store = this.#currentStore();
    try {
      const run = await replayConnection(
        store,
        request.connectionId,
        {
          ...(request.url !== undefined ? { url: request.url } : {}),
          ...(request.mode !== undefined ? { mode: request.mode } : {}),
          ...(request.speed !== undefined ? { speed: request.speed } : {}),
        },
        store,
      );
      return {
        result: {
          connectionId: run.connectionId,
          replayOf: run.replayOf,
          sent: run.sent,
          comparison: run.comparison,
        },
        connection: store.getConnection(run.connectionId),
      };
    } catch (error) {
      throw new ApiError('failed', (error as Error).message);
    }
  }

  async startMock(
    connectionId: string,
    options: { port?: number; mode?: 'timed' | 'answer' },
  ): Promise<MockInfo> {
    const mode = options.mode ?? 'timed';
    let handle: MockServerHandle;
    try {
      handle = await startMockServer(this.#currentStore(), connectionId, {
        port: options.port ?? 0,
        host: '127.0.0.1',
        mode,
      });
    } catch (error) {
      throw new ApiError('failed', (error as Error).message);
    }
    const info: MockInfo = {
      id: `mock-${this.#nextMock++}`,
      connectionId: handle.connectionId,
      kind: handle.kind,
      url: handle.url,
      mode,
    };
    this.#mocks.set(info.id, { info, handle });
    return info;
  }

  async stopMock(id: string): Promise<MockInfo[]> {
    const mock = this.#mocks.get(id);
    if (!mock) throw new ApiError('not-found', `no mock server ${id}`);
    this.#mocks.delete(id);
    await mock.handle.close();
    return this.listMocks();
  }

  listMocks(): MockInfo[] {
    return [...this.#mocks.values()].map((mock) => mock.info);
  }

  async close(): Promise<void> {
    this.breakpoints.releaseAll();
    await Promise.all([...this.#mocks.values()].map((mock) => mock.handle.close()));
    this.#mocks.clear();
  }
}
