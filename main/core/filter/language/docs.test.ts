/** docs/filter-language.md stays true: its examples parse, its error table is what the parser says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../../shared/filter/parser.ts';

const doc = readFileSync(new URL('../../../../docs/filter-language.md', import.meta.url), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

/** Table rows of a section as cells (header and separator rows dropped). */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

const codes = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

describe('docs/filter-language.md', () => {
  const examples = rows(section('At a glance')).flatMap((cells) => codes(cells[2] ?? ''));

  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it.each(examples)('example %j parses', (example) => {
    expect(parseFilter(example).ok).toBe(true);
  });

  it.each(rows(section('Errors')))('error row %j', (filterCell, messageCell, underlineCell) => {
    const [text] = codes(filterCell);
    const [underlined] = codes(underlineCell);
    if (text === undefined || underlined === undefined) throw new Error('malformed row');
    const result = parseFilter(text);
    if (result.ok) throw new Error(`${text} parsed`);
    expect(text.slice(result.error.start, result.error.end)).toBe(underlined);
    let from = 0;
    for (const part of messageCell.split('…')) {
      const wanted = part.trim().replace(/\\\\/g, '\\');
      const at = result.error.message.indexOf(wanted, from);
      expect(at, `"${wanted}" in "${result.error.message}"`).toBeGreaterThanOrEqual(0);
      from = at + wanted.length;
    }
  });
});
