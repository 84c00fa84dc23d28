/**
 * `telltale export IN --to OUT`: converts a session between Telltale NDJSON and HAR (either way,
 * or to the same format), by extension. The output is for sharing, so it is redacted unless
 * `--no-redact`. A journal torn by a crash converts (exit 0) and the skipped line is reported.
 * Exit 0 done, 1 when the output cannot be written, 2 on a usage error or unreadable input.
 */
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHarFile } from '../core/session/har-export.ts';
import { derivedRecords } from '../core/derived-records.ts';
import { writeNdjsonFile, type ExportSummary } from '../core/session/ndjson-export.ts';
import { SessionFileError } from '../core/session/ndjson-reader.ts';
import { DEFAULT_REDACTED_HEADERS, type RedactionOptions } from '../core/session/redaction.ts';
import {
  openSessionFile,
  sessionFormatOf,
  type SessionFormat,
} from '../core/session/session-file.ts';
import { UsageError } from './usage.ts';

export const exportUsage = `Usage: telltale export IN --to OUT [--no-redact] [--redact-header NAME]... [--redact-query NAME]...
  IN, OUT                 .ndjson (Telltale session) or .har, in any combination
  --no-redact             keep every header and query parameter as recorded
  --redact-header NAME    also redact this header (repeatable; Authorization, Proxy-Authorization,
                          Cookie and Set-Cookie are always redacted unless --no-redact)
  --redact-query NAME     redact this URL query parameter (repeatable)
`;

interface ExportArgs {
  input: string;
  inputFormat: SessionFormat;
  output: string;
  outputFormat: SessionFormat;
  redact: RedactionOptions | false;
}

export async function runExport(argv: string[]): Promise<number> {
  const args = parseExportArgs(argv);
  let opened;
  try {
    // A conversion, not an import next to live capture: sources stay as recorded.
    opened = await openSessionFile(args.input, { markImported: false });
  } catch (error) {
    if (error instanceof SessionFileError) {
      process.stderr.write(`telltale: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const note of opened.notes) {
    process.stderr.write(`telltale: ${args.input}: ${note.message}\n`);
  }

  let summary: ExportSummary;
  // Written beside the target and renamed into place: a failed export leaves no half file.
  const temp = join(dirname(args.output), `.${basename(args.output)}.${process.pid}.tmp`);
  try {
    const options = {
      redact: args.redact,
      ...(opened.created === undefined ? {} : { created: opened.created }),
    };
    summary =
      args.outputFormat === 'har'
        ? await writeHarFile(temp, opened.store, {
            ...options,
            extraRecords: derivedRecords(opened.store),
          })
        : await writeNdjsonFile(temp, opened.store, {
            ...options,
            extraRecords: derivedRecords(opened.store),
          });
    await rename(temp, args.output);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`telltale: cannot write ${args.output}: ${reason}\n`);
    return 1;
  } finally {
    opened.store.dispose();
  }
  process.stderr.write(
    `telltale: wrote ${args.output}: ${summary.connections} connection${summary.connections === 1 ? '' : 's'}, ${summary.entries} entr${summary.entries === 1 ? 'y' : 'ies'}, ${describeRedaction(args.redact)}\n`,
  );
  return 0;
}

export function parseExportArgs(argv: string[]): ExportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        to: { type: 'string' },
        'no-redact': { type: 'boolean' },
        'redact-header': { type: 'string', multiple: true },
        'redact-query': { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), exportUsage);
  }
  const { values, positionals } = parsed;
  const [input, ...extra] = positionals;
  if (input === undefined) throw new UsageError('export needs an input file', exportUsage);
  if (extra.length > 0) {
    throw new UsageError(
      `export takes one input file, got also "${extra.join('", "')}"`,
      exportUsage,
    );
  }
  const output = values.to;
  if (output === undefined || output === '') {
    throw new UsageError('export needs --to OUT', exportUsage);
  }
  const inputFormat = formatOrThrow(input, 'input');
  const outputFormat = formatOrThrow(output, 'output');
  const headers = values['redact-header'] ?? [];
  const queryParams = values['redact-query'] ?? [];
  if (values['no-redact'] === true) {
    if (headers.length > 0 || queryParams.length > 0) {
      throw new UsageError(
        '--no-redact cannot be combined with --redact-header or --redact-query',
        exportUsage,
      );
    }
    return { input, inputFormat, output, outputFormat, redact: false };
  }
  for (const name of [...headers, ...queryParams]) {
    if (name.trim() === '')
      throw new UsageError('--redact-header and --redact-query need a name', exportUsage);
  }
  return { input, inputFormat, output, outputFormat, redact: { headers, queryParams } };
}

function formatOrThrow(path: string, role: 'input' | 'output'): SessionFormat {
  const format = sessionFormatOf(path);
  if (format === undefined) {
    throw new UsageError(
      `the ${role} file "${path}" must end in .ndjson or .har (the format is chosen by extension)`,
      exportUsage,
    );
  }
  return format;
}

function describeRedaction(redact: RedactionOptions | false): string {
  if (redact === false) return 'not redacted';
  const names = [
    ...DEFAULT_REDACTED_HEADERS,
    ...(redact.headers ?? []).map((h) => h.toLowerCase()),
  ];
  const query = redact.queryParams ?? [];
  return `redacted headers ${[...new Set(names)].join(', ')}${query.length > 0 ? `; query parameters ${query.join(', ')}` : ''}`;
}
