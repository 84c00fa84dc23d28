/** The last connections opened from the dialog, newest first, remembered in localStorage. */
import type { OpenConnectionRequest } from '../../../../shared/api.ts';
import { readJson, writeJson } from '../../stores/persisted.ts';

const key = 'telltale.recentConnections';
const limit = 12;

function isRequests(value: unknown): value is OpenConnectionRequest[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as { url?: unknown }).url === 'string',
    )
  );
}

export function loadRecent(): OpenConnectionRequest[] {
  return readJson(key, [], isRequests);
}

export function rememberRecent(request: OpenConnectionRequest): OpenConnectionRequest[] {
  const same = JSON.stringify(request);
  const recent = [request, ...loadRecent().filter((item) => JSON.stringify(item) !== same)].slice(
    0,
    limit,
  );
  writeJson(key, recent);
  return recent;
}
