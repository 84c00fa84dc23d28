/** localStorage that never throws (private windows, quotas, a corrupt value): a UI preference is never worth a crash. */
export function readJson<T>(key: string, fallback: T, valid: (value: unknown) => value is T): T {
  try {
    const text = globalThis.localStorage.getItem(key);
    if (text === null) return fallback;
    const value: unknown = JSON.parse(text);
    return valid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

export function writeJson(key: string, value: unknown): void {
  try {
    globalThis.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or unavailable: the preference lasts for this page only.
  }
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
