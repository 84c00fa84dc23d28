import { describe, expect, it } from 'vitest';
import { sessionFilesIn } from './session-files.ts';

describe('sessionFilesIn', () => {
  it('finds .har and .ndjson files among the arguments the OS passes, skipping the program and flags', () => {
    expect(
      sessionFilesIn([
        '/opt/Telltale/telltale',
        '--no-sandbox',
        '/home/a/run.HAR',
        'notes.txt',
        'C:\\s\\x.ndjson',
      ]),
    ).toEqual(['/home/a/run.HAR', 'C:\\s\\x.ndjson']);
    expect(sessionFilesIn(['telltale'])).toEqual([]);
  });
});
