/** Sent-message history and named snippets, remembered in localStorage. */
import { readJson, writeJson } from '../../stores/persisted.ts';
import { COMPOSER_MODES, type ComposerMode } from './message.ts';

export interface SavedMessage {
  mode: ComposerMode;
  text: string;
}

export interface Snippet extends SavedMessage {
  name: string;
}

const historyKey = 'telltale.composer.history';
const snippetsKey = 'telltale.composer.snippets';
const historyLimit = 50;

function isSaved(value: unknown): value is SavedMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SavedMessage>;
  return typeof v.text === 'string' && COMPOSER_MODES.includes(v.mode as ComposerMode);
}

function isHistory(value: unknown): value is SavedMessage[] {
  return Array.isArray(value) && value.every(isSaved);
}

function isSnippets(value: unknown): value is Snippet[] {
  return (
    isHistory(value) && value.every((item) => typeof (item as Partial<Snippet>).name === 'string')
  );
}

export function loadHistory(): SavedMessage[] {
  return readJson(historyKey, [], isHistory);
}

/** Newest first; sending the same message again moves it to the top instead of repeating it. */
export function pushHistory(message: SavedMessage): SavedMessage[] {
  const history = [
    message,
    ...loadHistory().filter((item) => item.mode !== message.mode || item.text !== message.text),
  ].slice(0, historyLimit);
  writeJson(historyKey, history);
  return history;
}

export function loadSnippets(): Snippet[] {
  return readJson(snippetsKey, [], isSnippets);
}

export function saveSnippet(snippet: Snippet): Snippet[] {
  const snippets = [...loadSnippets().filter((item) => item.name !== snippet.name), snippet].sort(
    (a, b) => a.name.localeCompare(b.name),
  );
  writeJson(snippetsKey, snippets);
  return snippets;
}

export function deleteSnippet(name: string): Snippet[] {
  const snippets = loadSnippets().filter((item) => item.name !== name);
  writeJson(snippetsKey, snippets);
  return snippets;
}
