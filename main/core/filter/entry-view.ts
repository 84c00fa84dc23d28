/**
 * What one evaluation needs to know about an entry, computed at most once and only when a term
 * asks: the payload as text (binary decoded as UTF-8, lossy), its lowercase form, its JSON.
 * One view is reused across entries (`reset`), so a query allocates nothing per entry until a
 * term needs text.
 */
import type { Connection } from '../../../shared/model/connection.ts';
import type { Entry } from '../../../shared/model/entry.ts';

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Marks "not computed yet" (distinct from every JSON value, `undefined` included). */
const UNSET: unique symbol = Symbol('unset');
/** Marks a payload that is not JSON (or cannot hold what a path asks for). */
export const NOT_JSON: unique symbol = Symbol('not-json');

/** True when the text, after JSON white space, starts an object or array. */
function startsContainer(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

export class EntryView {
  entry!: Entry;
  connection: Connection | undefined;
  #text: string | typeof UNSET = UNSET;
  #lower: string | typeof UNSET = UNSET;
  #json: unknown = UNSET;

  reset(entry: Entry, connection: Connection | undefined): void {
    this.entry = entry;
    this.connection = connection;
    this.#text = UNSET;
    this.#lower = UNSET;
    this.#json = UNSET;
  }

  /** Drops the computed forms so a large payload is not kept alive between queries. */
  release(): void {
    this.#text = UNSET;
    this.#lower = UNSET;
    this.#json = UNSET;
  }

  /** The payload as text; bytes are decoded as UTF-8 with U+FFFD for invalid sequences. */
  text(): string {
    if (this.#text === UNSET) {
      const payload = this.entry.payload;
      this.#text = typeof payload === 'string' ? payload : utf8.decode(payload);
    }
    return this.#text;
  }

  lowerText(): string {
    if (this.#lower === UNSET) this.#lower = this.text().toLowerCase();
    return this.#lower;
  }

  /**
   * The payload parsed as JSON, or NOT_JSON. With `containerOnly` (a path with steps), text that
   * cannot be an object or array is rejected without parsing.
   */
  json(containerOnly: boolean): unknown {
    if (this.#json !== UNSET) return this.#json;
    const text = this.text();
    if (containerOnly && !startsContainer(text)) return NOT_JSON;
    try {
      this.#json = JSON.parse(text) as unknown;
    } catch {
      this.#json = NOT_JSON;
    }
    return this.#json;
  }
}
