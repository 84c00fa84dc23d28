import { MessageChannel } from 'node:worker_threads';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCommandNames, apiEventNames, listenerMethodOf } from '../shared/api.ts';
import type { InspectorApi } from '../shared/api.ts';
import { desktopCommandNames } from '../shared/desktop-api.ts';
import {
  commandChannel,
  desktopChannel,
  eventPortChannel,
  menuCommandChannel,
} from '../shared/ipc.ts';

// A minimal stand-in for electron's contextBridge and ipcRenderer (the real module cannot load
// under Node): it records what the preload exposes and answers invokes like ipc-host does.
const exposed = new Map<string, unknown>();
const invoked: { channel: string; args: unknown[] }[] = [];
const rendererHandlers = new Map<string, (event: { ports: unknown[] }) => void>();

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      exposed.set(key, value);
    },
  },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      if (channel === commandChannel('getEntry')) {
        return Promise.resolve({
          ok: false,
          error: { code: 'invalid-arguments', message: 'getEntry: bad seq' },
        });
      }
      return Promise.resolve({ ok: true, value: { echoed: args } });
    },
    on: (channel: string, handler: (event: { ports: unknown[] }) => void) => {
      rendererHandlers.set(channel, handler);
    },
  },
}));

let api: InspectorApi;
beforeAll(async () => {
  await import('./index.ts');
  api = exposed.get('telltale') as InspectorApi;
});

describe('preload', () => {
  it('exposes exactly the contract, frozen, and nothing else', () => {
    expect([...exposed.keys()]).toEqual(['telltale', 'telltaleDesktop']);
    const desktop = exposed.get('telltaleDesktop') as Record<string, unknown>;
    expect(Object.isFrozen(desktop)).toBe(true);
    expect(Object.keys(desktop).sort()).toEqual([...desktopCommandNames, 'onMenuCommand'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    const expected = [...apiCommandNames, ...apiEventNames.map(listenerMethodOf)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const key of expected)
      expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
  });

  it('invokes each command on its derived channel and unwraps the reply', async () => {
    expect(await api.closeConnection('c1', 1000, 'bye')).toEqual({ echoed: ['c1', 1000, 'bye'] });
    expect(invoked.at(-1)).toEqual({
      channel: commandChannel('closeConnection'),
      args: ['c1', 1000, 'bye'],
    });
    await expect(api.getEntry(1)).rejects.toMatchObject({
      message: 'getEntry: bad seq',
      code: 'invalid-arguments',
    });
  });

  it('routes native-dialog calls and menu commands', async () => {
    const desktop = exposed.get('telltaleDesktop') as import('../shared/desktop-api.ts').DesktopApi;
    await desktop.saveSessionDialog({ format: 'har' });
    expect(invoked.at(-1)).toEqual({
      channel: desktopChannel('saveSessionDialog'),
      args: [{ format: 'har' }],
    });
    const commands: string[] = [];
    const off = desktop.onMenuCommand((command) => commands.push(command));
    (
      rendererHandlers.get(menuCommandChannel) as unknown as (
        event: unknown,
        command: string,
      ) => void
    )({}, 'new-connection');
    off();
    (
      rendererHandlers.get(menuCommandChannel) as unknown as (
        event: unknown,
        command: string,
      ) => void
    )({}, 'show-shortcuts');
    expect(commands).toEqual(['new-connection']);
  });

  it('delivers event batches from the MessagePort main hands over', async () => {
    const channel = new MessageChannel();
    rendererHandlers.get(eventPortChannel)?.({ ports: [channel.port2] });
    const batches: unknown[] = [];
    const off = api.onEntries((rows) => batches.push(rows));
    channel.port1.postMessage({ event: 'entries', payload: [{ seq: 1 }] });
    channel.port1.postMessage({ event: 'connections', payload: [] });
    await vi.waitFor(() => {
      expect(batches).toEqual([[{ seq: 1 }]]);
    });
    off();
    channel.port1.postMessage({ event: 'entries', payload: [{ seq: 2 }] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toHaveLength(1);
    channel.port1.close();
  });
});
