import type { z } from 'zod';

/**
 * zod issues as a message a user can act on: the field path in JavaScript notation, prefixed by
 * where the validated value sits (`log.entries[3].request.url: expected string, …`).
 */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.reduce<string>(
      (text, key) =>
        typeof key === 'number'
          ? `${text}[${key}]`
          : text === ''
            ? String(key)
            : `${text}.${String(key)}`,
      prefix,
    );
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : '';
  return shown.join('; ') + more;
}
