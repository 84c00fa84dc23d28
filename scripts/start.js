// `npm start`: build and open the desktop app. Electron 45 fetches its binary the first time
// `electron` is required; where that cannot happen (no network to its download host, as on our
// CI machines) say so plainly instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');

function electronBinaryPresent() {
  try {
    const dir = dirname(require.resolve('electron/package.json', { paths: [root] }));
    const pathFile = join(dir, 'path.txt');
    return (
      existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))
    );
  } catch {
    return false;
  }
}

if (!electronBinaryPresent()) {
  process.stderr.write('Fetching Electron\u2019s binary (first run only)…\n');
  // Requiring electron in a child triggers its download; its errors are ours to explain.
  spawnSync(process.execPath, ['-e', "require('electron')"], {
    cwd: root,
    stdio: 'ignore',
    timeout: 600_000,
  });
}

if (!electronBinaryPresent()) {
  process.stderr.write(
    [
      '',
      'Telltale cannot open its window: Electron\u2019s binary is not installed. Electron downloads it',
      'from its release host the first time it is used, and that download failed or is not allowed',
      'on this machine. On a machine with internet access, `npm install` then `npm start` fetches it;',
      'offline, you can point ELECTRON_MIRROR at a reachable mirror, or skip the window altogether:',
      '`npx telltale serve` runs the same core and prints a URL that opens the same UI in a browser.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const bin = join(
  root,
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite',
);
const child = spawn(bin, ['preview'], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  process.exit(signal ? 1 : (code ?? 1));
});
