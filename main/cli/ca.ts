/**
 * `telltale ca [--export FILE]`: where Telltale's CA certificate is (made on first use), and its
 * SPKI hash for Chromium; `--export FILE` writes the certificate as PEM (`-` for stdout).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOrCreateCa } from '../core/proxy/ca.ts';
import { dataDir } from '../core/util/data-dir.ts';
import { flushStdout, writeStdout } from './stdout.ts';
import { UsageError } from './usage.ts';

export const caUsage = `telltale ca [--export FILE]     print the path of Telltale's CA certificate (made on first use);
                                --export writes it as PEM to FILE (- for stdout)
`;

export async function runCa(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: { export: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const ca = await loadOrCreateCa(dataDir());
  if (values.export === undefined) {
    writeStdout(ca.certPath + '\n');
  } else if (values.export === '-') {
    writeStdout(ca.certPem);
  } else {
    try {
      writeFileSync(values.export, ca.certPem, { mode: 0o644 });
    } catch (error) {
      process.stderr.write(
        `telltale: cannot write ${values.export}: ${(error as Error).message}\n`,
      );
      return 1;
    }
    process.stderr.write(`telltale: wrote the CA certificate to ${values.export}\n`);
  }
  process.stderr.write(
    `telltale: CA certificate ${ca.certPath}\n` +
      `telltale: Chromium: --ignore-certificate-errors-spki-list=${ca.spkiSha256}\n` +
      `telltale: curl --cacert ${ca.certPath}; Node NODE_EXTRA_CA_CERTS=${ca.certPath}\n`,
  );
  await flushStdout();
  return 0;
}
