import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Telltale's data folder (journals, the CA): an explicit choice, else `TELLTALE_DATA_DIR`, else
 * the platform's place for application data.
 */
export function dataDir(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (explicit) return explicit;
  const override = env.TELLTALE_DATA_DIR;
  if (override) return override;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Telltale');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Telltale');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'telltale');
  }
}
