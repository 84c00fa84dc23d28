import { describe, expect, it } from 'vitest';
import { dataDir } from './data-dir.ts';

describe('dataDir', () => {
  it('prefers the explicit folder, then TELLTALE_DATA_DIR', () => {
    expect(dataDir('/x', { TELLTALE_DATA_DIR: '/y' }, 'linux')).toBe('/x');
    expect(dataDir(undefined, { TELLTALE_DATA_DIR: '/y', HOME: '/h' }, 'linux')).toBe('/y');
  });

  it("uses each platform's application data folder", () => {
    expect(dataDir(undefined, { HOME: '/h' }, 'linux')).toBe('/h/.local/share/telltale');
    expect(dataDir(undefined, { HOME: '/h', XDG_DATA_HOME: '/d' }, 'linux')).toBe('/d/telltale');
    expect(dataDir(undefined, { HOME: '/h' }, 'darwin')).toBe(
      '/h/Library/Application Support/Telltale',
    );
    expect(dataDir(undefined, { HOME: '/h', APPDATA: 'C:/AppData' }, 'win32')).toBe(
      'C:/AppData/Telltale',
    );
  });
});
