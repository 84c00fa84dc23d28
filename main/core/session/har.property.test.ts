import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Connection, ConnectionKind } from '../../../shared/model/connection.ts';
import type { NewEntry } from '../../../shared/model/entry.ts';
import { exportHar } from './har-export.ts';
import { importHarText } from './har-import.ts';
import { SessionStore } from './store.ts';
import { expectSameSession } from './test-sessions.ts';

const text = fc.string({ unit: 'binary', maxLength: 30 });
const uint = fc.nat({ max: 2 ** 40 });
const time = fc.double({ min: 0, max: 1e13, noNaN: true });
const headers = fc.array(fc.tuple(text, text), { maxLength: 4 });

const arbitraryConnection = (id: string): fc.Arbitrary<Connection> =>
  fc.record(
    {
      id: fc.constant(id),
      kind: fc.constantFrom<ConnectionKind>('ws', 'sse', 'http'),
      source: fc.constantFrom('client', 'proxy', 'import', 'replay'),
      url: text,
      method: text,
      requestHeaders: headers,
      requestBody: text,
      response: fc.record(
        {
          status: fc.integer({ min: 0, max: 999 }),
          statusText: text,
          headers,
          body: text,
          bodyTruncated: fc.boolean(),
        },
        { noNullPrototype: true, requiredKeys: ['status', 'statusText', 'headers'] },
      ),
      protocol: text,
      extensions: text,
      state: fc.constantFrom('connecting', 'open', 'closing', 'closed', 'aborted', 'failed'),
      openedAt: time,
      closedAt: time,
      closeCode: fc.integer({ min: 0, max: 65535 }),
      closeReason: text,
      closeInitiator: fc.constantFrom('out', 'in'),
      error: text,
      bytesOut: uint,
      bytesIn: uint,
      resumes: text,
      pingRttMs: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 3 }),
      replayOf: text,
    },
    {
      requiredKeys: [
        'id',
        'kind',
        'source',
        'url',
        'method',
        'requestHeaders',
        'state',
        'openedAt',
        'bytesOut',
        'bytesIn',
      ],
    },
  );

const arbitraryEntry = (connectionIds: string[]): fc.Arbitrary<NewEntry> =>
  fc.record(
    {
      connectionId: fc.constantFrom(...connectionIds),
      time,
      direction: fc.constantFrom('out', 'in'),
      kind: fc.constantFrom(
        'text',
        'binary',
        'ping',
        'pong',
        'close',
        'event',
        'comment',
        'lifecycle',
        'error',
      ),
      payload: fc.oneof(text, fc.uint8Array({ maxLength: 30 })),
      payloadSize: uint,
      wireSize: uint,
      frame: fc.record(
        {
          opcode: fc.integer({ min: 0, max: 15 }),
          fin: fc.boolean(),
          rsv1: fc.boolean(),
          rsv2: fc.boolean(),
          rsv3: fc.boolean(),
          masked: fc.boolean(),
          fragments: uint,
        },
        { noNullPrototype: true },
      ),
      close: fc.record(
        { code: fc.integer({ min: 0, max: 65535 }), reason: text, codeValid: fc.boolean() },
        { noNullPrototype: true },
      ),
      sse: fc.record(
        { event: text, lastEventId: text, id: text, retry: uint },
        { noNullPrototype: true, requiredKeys: ['event', 'lastEventId'] },
      ),
      lifecycle: fc.constantFrom('open', 'closed', 'info'),
      notes: fc.array(fc.record({ code: text, message: text }, { noNullPrototype: true }), {
        maxLength: 2,
      }),
      intervention: fc.constantFrom('injected', 'edited', 'dropped'),
    },
    {
      requiredKeys: [
        'connectionId',
        'time',
        'direction',
        'kind',
        'payload',
        'payloadSize',
        'wireSize',
      ],
    },
  );

const arbitrarySession = fc
  .tuple(arbitraryConnection('a'), arbitraryConnection('b'), arbitraryConnection('c'))
  .chain((connections) =>
    fc.tuple(
      fc.constant(connections),
      fc.array(arbitraryEntry(['a', 'b', 'c']), { maxLength: 30 }),
    ),
  );

describe('HAR round trip (property)', () => {
  it('any session survives store → HAR text → store exactly when not redacted', () => {
    fc.assert(
      fc.property(arbitrarySession, ([connections, entries]) => {
        const store = new SessionStore();
        for (const c of connections) store.addConnection(c);
        for (const e of entries) store.append(e);
        const text = JSON.stringify(exportHar(store, { redact: false }));
        const back = importHarText(text, 'p.har', { markImported: false });
        expectSameSession(back.store, store);
        store.dispose();
        back.store.dispose();
      }),
      { numRuns: 300 },
    );
  });
});
