import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';
import {
  base64ToBytes,
  parseSessionLine,
  serializeConnection,
  serializeEntry,
  serializeHeader,
  type ParseLineResult,
  type SessionLineError,
} from './ndjson.ts';

function entry(extra: Partial<Entry> = {}): Entry {
  return {
    seq: 7,
    connectionId: 'c1',
    time: 1_700_000_000_123.456,
    direction: 'out',
    kind: 'text',
    payload: 'hello\nworld "quoted" ☃ \u2028',
    payloadSize: 27,
    wireSize: 33,
    ...extra,
  };
}

const connection: Connection = {
  id: 'c1',
  kind: 'ws',
  source: 'client',
  url: 'ws://127.0.0.1:9/chat?x=1',
  method: 'GET',
  requestHeaders: [
    ['Host', '127.0.0.1:9'],
    ['X-Dup', 'a'],
    ['X-Dup', 'b'],
  ],
  state: 'open',
  openedAt: 1_700_000_000_000.5,
  bytesOut: 10,
  bytesIn: 20,
};

function record(result: ParseLineResult): unknown {
  if (!result.ok) throw new Error(result.error.message);
  return result.record;
}

function error(result: ParseLineResult): SessionLineError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.record)}`);
  return result.error;
}

describe('serialize', () => {
  it('writes one line per record, with the type first', () => {
    const lines = [serializeHeader(1), serializeConnection(connection), serializeEntry(entry())];
    for (const line of lines) {
      expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
      expect(line.startsWith('{"type":')).toBe(true);
    }
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      type: 'telltale',
      version: 1,
      created: 1,
      generator: 'telltale',
    });
  });

  it('writes text payloads as text and bytes as base64 with payloadEncoding', () => {
    const textLine = JSON.parse(serializeEntry(entry())) as Record<string, unknown>;
    expect(textLine.payload).toBe('hello\nworld "quoted" ☃ \u2028');
    expect('payloadEncoding' in textLine).toBe(false);
    const bytes = new Uint8Array([0, 1, 2, 255, 254, 10]);
    const binLine = JSON.parse(
      serializeEntry(entry({ kind: 'binary', payload: bytes.subarray(1, 5) })),
    ) as Record<string, unknown>;
    expect(binLine.payload).toBe('AQL//g==');
    expect(binLine.payloadEncoding).toBe('base64');
  });

  it('leaves absent optional fields out rather than writing null', () => {
    const line = serializeEntry({ ...entry(), frame: undefined, sse: undefined });
    expect(line).not.toContain('null');
    expect(Object.keys(JSON.parse(line) as object)).toEqual([
      'type',
      'seq',
      'connectionId',
      'time',
      'direction',
      'kind',
      'payload',
      'payloadSize',
      'wireSize',
    ]);
  });
});

describe('parseSessionLine', () => {
  it('reads back what serialize wrote, exactly', () => {
    const full = entry({
      kind: 'close',
      payload: new Uint8Array([3, 232, 98, 121, 101]),
      frame: {
        opcode: 8,
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        masked: true,
        fragments: 1,
        compressedSize: 5,
      },
      close: { code: 1000, reason: 'bye', codeValid: true },
      notes: [{ code: 'ws.close.reason-utf8', message: 'invalid UTF-8 in reason' }],
    });
    expect(record(parseSessionLine(serializeEntry(full), 3))).toEqual({
      type: 'entry',
      entry: full,
    });
    const sse = entry({
      kind: 'event',
      sse: { event: 'update', lastEventId: '42', id: '42', retry: 3000 },
      lifecycle: undefined,
    });
    expect(record(parseSessionLine(serializeEntry(sse), 4))).toEqual({ type: 'entry', entry: sse });
    const full2: Connection = {
      ...connection,
      kind: 'sse',
      response: {
        status: 503,
        statusText: 'Service Unavailable',
        headers: [['content-type', 'text/plain']],
        body: 'down',
        bodyTruncated: false,
      },
      protocol: 'chat',
      extensions: 'permessage-deflate',
      closedAt: 1_700_000_000_999.75,
      closeCode: 1005,
      closeReason: '',
      closeInitiator: 'in',
      error: 'boom',
      resumes: 'c0',
      pingRttMs: [1.5, 2.25],
    };
    expect(record(parseSessionLine(serializeConnection(full2), 2))).toEqual({
      type: 'connection',
      connection: full2,
    });
    expect(record(parseSessionLine(serializeHeader(5.5, 'telltale 0.1.0'), 1))).toEqual({
      type: 'header',
      header: { version: 1, created: 5.5, generator: 'telltale 0.1.0' },
    });
  });

  it('decodes base64 payloads into plain Uint8Arrays', () => {
    const parsed = record(
      parseSessionLine(serializeEntry(entry({ payload: new Uint8Array([1, 2, 3]) })), 2),
    ) as { entry: Entry };
    expect(parsed.entry.payload).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(parsed.entry.payload)).toBe(false);
    expect([...(parsed.entry.payload as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('reports unknown types as such (to be skipped), keeping their name', () => {
    expect(record(parseSessionLine('{"type":"annotation","seq":1}', 9))).toEqual({
      type: 'unknown',
      recordType: 'annotation',
    });
  });

  it('drops unknown fields of known types (a newer writer may add some)', () => {
    const line = serializeEntry(entry()).replace('{"type":"entry",', '{"type":"entry","future":1,');
    expect(record(parseSessionLine(line, 2))).toEqual({ type: 'entry', entry: entry() });
  });

  it.each([
    ['{"type":"entry",', 'invalid-json', /^line 12: not valid JSON/],
    ['[1,2]', 'not-an-object', /^line 12: expected a JSON object, found an array/],
    ['"text"', 'not-an-object', /found a string/],
    ['null', 'not-an-object', /found null/],
    ['{"seq":1}', 'missing-type', /no string field "type"/],
    ['{"type":3}', 'missing-type', /no string field "type"/],
  ])('rejects %s with %s', (line, code, message) => {
    const e = error(parseSessionLine(line, 12));
    expect(e.line).toBe(12);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('names the line and the field when a field has the wrong type', () => {
    const bad = { ...JSON.parse(serializeEntry(entry())), seq: '7' } as object;
    const e = error(parseSessionLine(JSON.stringify(bad), 5));
    expect(e.code).toBe('invalid-entry');
    expect(e.message).toMatch(/^line 5: entry field "seq": .*expected number/);

    const nested = JSON.parse(
      serializeEntry(
        entry({
          frame: {
            opcode: 1,
            fin: true,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            masked: false,
            fragments: 1,
          },
        }),
      ),
    ) as { frame: Record<string, unknown> };
    nested.frame.fin = 'yes';
    expect(error(parseSessionLine(JSON.stringify(nested), 6)).message).toMatch(
      /^line 6: entry field "frame\.fin": .*expected boolean/,
    );

    const conn = {
      ...(JSON.parse(serializeConnection(connection)) as object),
      requestHeaders: [['a', 1]],
    };
    const ce = error(parseSessionLine(JSON.stringify(conn), 2));
    expect(ce.code).toBe('invalid-connection');
    expect(ce.message).toMatch(/^line 2: connection field "requestHeaders\.0\.1"/);

    const missing = JSON.parse(serializeConnection(connection)) as Record<string, unknown>;
    delete missing.state;
    expect(error(parseSessionLine(JSON.stringify(missing), 2)).message).toMatch(
      /connection field "state"/,
    );
  });

  it('refuses null for an absent field, bad enums and out-of-range numbers', () => {
    const base = JSON.parse(serializeEntry(entry())) as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ frame: null }, /field "frame"/],
      [{ direction: 'sideways' }, /field "direction"/],
      [{ seq: 0 }, /field "seq"/],
      [{ seq: 1.5 }, /field "seq"/],
      [{ payloadSize: -1 }, /field "payloadSize"/],
      [{ time: '2024-01-01' }, /field "time"/],
      [{ payloadEncoding: 'hex' }, /field "payloadEncoding"/],
    ];
    for (const [patch, message] of cases) {
      const e = error(parseSessionLine(JSON.stringify({ ...base, ...patch }), 8));
      expect(e.code).toBe('invalid-entry');
      expect(e.message).toMatch(message);
    }
  });

  it('reports a payload marked base64 that is not', () => {
    const line = JSON.stringify({
      ...(JSON.parse(serializeEntry(entry())) as object),
      payload: 'not base64!',
      payloadEncoding: 'base64',
    });
    const e = error(parseSessionLine(line, 4));
    expect(e.code).toBe('invalid-base64');
    expect(e.message).toMatch(/^line 4: entry field "payload"/);
  });

  it('checks the header and its version', () => {
    expect(error(parseSessionLine('{"type":"telltale","version":2,"created":1}', 1))).toMatchObject(
      {
        code: 'unsupported-version',
        message: expect.stringMatching(
          /^line 1: session format version 2 is not supported/,
        ) as unknown,
      },
    );
    expect(error(parseSessionLine('{"type":"telltale","version":1}', 1)).message).toMatch(
      /^line 1: header field "created"/,
    );
  });

  it('never throws on arbitrary input', () => {
    const samples = [
      '',
      '{',
      '{}',
      '{"type":"entry"}',
      '{"type":"connection","id":""}',
      '{"type":"telltale","version":"1"}',
      '{"type":"entry","payload":{"a":1}}',
      '\u0000',
      '1e999',
      '{"type":"entry","__proto__":{"seq":1}}',
    ];
    for (const s of samples) expect(parseSessionLine(s, 1).ok).toBe(false);
  });
});

describe('base64ToBytes', () => {
  it('accepts canonical base64 only', () => {
    expect([...(base64ToBytes('') ?? [9])]).toEqual([]);
    expect([...(base64ToBytes('AAEC/w==') ?? [])]).toEqual([0, 1, 2, 255]);
    for (const bad of ['AAE', 'AA=A', 'AA E', 'AA-_', '====']) {
      expect(base64ToBytes(bad)).toBeUndefined();
    }
  });
});

describe('properties', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const uint = fc.nat({ max: 2 ** 40 });
  const time = fc.double({ min: 0, max: 1e13, noNaN: true });
  const arbitraryEntry: fc.Arbitrary<Entry> = fc.record(
    {
      seq: fc.integer({ min: 1, max: 0xffff_ffff }),
      connectionId: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
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
      payload: fc.oneof(text, fc.uint8Array({ maxLength: 40 })),
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
          compressedSize: uint,
        },
        { requiredKeys: ['opcode', 'fin', 'rsv1', 'rsv2', 'rsv3', 'masked', 'fragments'] },
      ),
      close: fc.record({
        code: fc.integer({ min: 0, max: 65535 }),
        reason: text,
        codeValid: fc.boolean(),
      }),
      sse: fc.record(
        { event: text, lastEventId: text, id: text, retry: uint },
        { requiredKeys: ['event', 'lastEventId'] },
      ),
      lifecycle: fc.constantFrom(
        'connecting',
        'open',
        'reconnecting',
        'closed',
        'aborted',
        'failed',
        'info',
      ),
      notes: fc.array(fc.record({ code: text, message: text }), { maxLength: 3 }),
    },
    {
      requiredKeys: [
        'seq',
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

  it('every entry survives serialize → parse exactly, on one line', () => {
    fc.assert(
      fc.property(arbitraryEntry, (e) => {
        const line = serializeEntry(e);
        expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
        const parsed = parseSessionLine(line, 2);
        expect(parsed).toEqual({ ok: true, record: { type: 'entry', entry: e } });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json(),
          arbitraryEntry.chain((e) =>
            fc
              .tuple(fc.string(), fc.jsonValue())
              .map(([key, value]) =>
                JSON.stringify({ ...(JSON.parse(serializeEntry(e)) as object), [key]: value }),
              ),
          ),
        ),
        (line) => {
          const result = parseSessionLine(line, 1);
          if (!result.ok) expect(result.error.message.startsWith('line 1: ')).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
