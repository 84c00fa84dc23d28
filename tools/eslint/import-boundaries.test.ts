import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import telltale from './import-boundaries.js';

// Proves the boundary rule fires: a rule that silently does nothing is worse than none. The
// snippets are linted without type information (they are not files of any tsconfig).
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { telltale },
      rules: { 'telltale/import-boundaries': 'error' },
    },
  ],
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'telltale/import-boundaries')
    .map((m) => m.message);
}

describe('telltale/import-boundaries', () => {
  it('is switched on by the project config for every area', async () => {
    const project = new ESLint({ cwd: process.cwd() });
    for (const file of [
      'shared/model/entry.ts',
      'main/index.ts',
      'preload/index.ts',
      'renderer/src/App.tsx',
    ]) {
      const config = (await project.calculateConfigForFile(file)) as {
        rules: Record<string, unknown>;
      };
      expect(config.rules['telltale/import-boundaries']).toEqual([2]);
    }
  });

  it.each([
    ['shared/model/x.ts', "import { a } from '../../main/core/x.ts';\nexport const b = a;"],
    ['shared/model/x.ts', "import { readFile } from 'node:fs';\nexport const b = readFile;"],
    ['shared/model/x.ts', "import WebSocket from 'ws';\nexport const b = WebSocket;"],
    ['shared/model/x.test.ts', "import { a } from '../../main/core/x.ts';\nexport const b = a;"],
    ['main/core/connect/x.ts', "import { app } from 'electron';\nexport const b = app;"],
    ['main/cli/x.ts', "import { app } from 'electron';\nexport const b = app;"],
    [
      'main/core/x.ts',
      "import { createMainWindow } from '../app/window.ts';\nexport const b = createMainWindow;",
    ],
    ['renderer/src/x.ts', "import { a } from '../../main/core/x.ts';\nexport const b = a;"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const b = ipcRenderer;"],
    ['renderer/src/x.ts', "import { readFile } from 'node:fs';\nexport const b = readFile;"],
    ['preload/x.ts', "import { a } from '../main/core/x.ts';\nexport const b = a;"],
  ])('rejects an import in %s', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toHaveLength(1);
  });

  it.each([
    ['shared/model/x.ts', "import type { Entry } from './entry.ts';\nexport type B = Entry;"],
    ['shared/model/x.ts', "import { z } from 'zod';\nexport const b = z;"],
    ['shared/model/x.test.ts', "import { it } from 'vitest';\nexport const b = it;"],
    [
      'main/core/x.ts',
      "import type { Entry } from '../../shared/model/entry.ts';\nexport type B = Entry;",
    ],
    ['main/app/x.ts', "import { app } from 'electron';\nexport const b = app;"],
    ['preload/x.ts', "import { contextBridge } from 'electron';\nexport const b = contextBridge;"],
    [
      'renderer/src/x.ts',
      "import type { Entry } from '../../shared/model/entry.ts';\nexport type B = Entry;",
    ],
  ])('allows an import in %s', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([]);
  });
});
