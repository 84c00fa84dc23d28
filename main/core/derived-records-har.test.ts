import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedRecords } from './derived-records.ts';
import { inn, out, sessionWith, testConnection } from './protocol/dissect/test-support.ts';
import { exportHar, writeHarFile } from './session/har-export.ts';
import { importHarText } from './session/har-import.ts';

const rpc = (value: unknown): string => JSON.stringify(value);

describe('derived records in a HAR', () => {
  it('each connection carries its protocol messages and pairs as _telltaleRecords, streamed or not', async () => {
    const store = sessionWith(testConnection('c1'), [
      out(rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), 10),
      inn(rpc({ jsonrpc: '2.0', id: 1, result: { tools: [] } }), 35),
      out(rpc({ jsonrpc: '2.0', id: 2, method: 'ping' }), 40),
    ]);
    const har = exportHar(store, {
      redact: false,
      created: 1,
      extraRecords: derivedRecords(store),
    });
    const records = har.log.entries[0]?._telltaleRecords as { type: string }[];
    expect(records.map((r) => r.type)).toEqual([
      'protocol-channel',
      'protocol',
      'protocol',
      'protocol',
      'pair',
      'unanswered',
    ]);
    expect(records.find((r) => r.type === 'pair')).toMatchObject({
      protocol: 'jsonrpc',
      kind: 'call',
      key: '1',
      request: { seq: 1, index: 0 },
      answer: { seq: 2, index: 0 },
      latencyMs: 25,
    });
    // The streamed writer writes the very same JSON.
    const dir = await mkdtemp(join(tmpdir(), 'telltale-har-'));
    try {
      const path = join(dir, 'a.har');
      await writeHarFile(path, store, {
        redact: false,
        created: 1,
        extraRecords: derivedRecords(store),
      });
      const text = await readFile(path, 'utf8');
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(har)));
      // Informational: importing computes them again and restores the session exactly.
      const back = importHarText(text, 'a.har').store;
      expect([...back.entriesOf('c1')]).toEqual([...store.entriesOf('c1')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
