#!/usr/bin/env node
// The `telltale` command. The CLI is TypeScript run straight from source by Node's own type
// stripping, so it needs Node >= 22.19 (undici 8 needs it too); say so plainly on older ones.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `telltale: Node ${process.versions.node} is too old; Node 22.19 or newer is required (try: npx -y node@24 bin/telltale.js ...)\n`,
  );
  process.exit(2);
}
await import('../main/cli/index.ts');
