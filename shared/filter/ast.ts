/**
 * The filter language's syntax tree. Plain data (no classes, no positions) so that it can be
 * sent over IPC, stored with a session's UI state, and compared with deep equality:
 * `parseFilter(stringifyFilter(ast))` gives back an equal tree.
 */
import type { Direction, EntryKind } from '../model/entry.ts';
import type { ProtocolName } from '../model/protocol.ts';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A string field's test: `text` is field-specific (exact, prefix or substring), `regex` searches. */
export type TextPattern =
  { type: 'text'; value: string } | { type: 'regex'; source: string; flags: string };

/** One step of a JSON path: `.key` / `["key"]`, `[3]` (negative counts from the end), `[*]`. */
export type JsonPathSegment =
  { type: 'key'; key: string } | { type: 'index'; index: number } | { type: 'wildcard' };

export type JsonTest =
  | { op: 'exists' }
  /** `=` / `!=`: loose equality with the value's text (see docs/filter-language.md). */
  | { op: '=' | '!='; value: string }
  /** `~`: case-insensitive substring of the value (JSON text for non-strings). */
  | { op: '~'; value: string }
  /** Ordering: only JSON numbers compare. */
  | { op: '<' | '<=' | '>' | '>='; value: number };

export const HAS_VALUES = ['notes', 'compressed', 'fragmented', 'masked', 'id', 'retry'] as const;
export type HasWhat = (typeof HAS_VALUES)[number];

export type SizeMeasure = 'payload' | 'wire';

/** `NAME:VALUE` fields of dissected protocol messages (see docs/filter-language.md). */
export const PROTOCOL_FIELD_NAMES = [
  'rpc.method',
  'sio.event',
  'sio.ns',
  'signalr.target',
  'gql.op',
  'stomp.dest',
  'mqtt.topic',
] as const;
export type ProtocolFieldName = (typeof PROTOCOL_FIELD_NAMES)[number];

/**
 * Terms answered from the protocol dissection (annotations and pairs by entry seq), not from the
 * entry itself. Without a protocol context they match nothing.
 */
export type ProtocolFilterTerm =
  /** An entry carrying a message of this protocol. */
  | { type: 'proto'; protocol: ProtocolName }
  /** A protocol message kind in the protocol's words (`EVENT`, `PUBLISH`, `request`), any case. */
  | { type: 'pkind'; kind: string }
  /** A protocol field, exactly (`mqtt.topic` takes MQTT wildcards `+` and `#`). */
  | { type: 'pfield'; field: ProtocolFieldName; value: string }
  /** A JSON-RPC error response. */
  | { type: 'rpc-error' }
  /** A request no answer was paired with (yet). */
  | { type: 'unanswered' }
  /** An entry in a pair (either end) whose latency compares; milliseconds. */
  | { type: 'latency'; op: CompareOp; ms: number };

export const PROTOCOL_TERM_TYPES = [
  'proto',
  'pkind',
  'pfield',
  'rpc-error',
  'unanswered',
  'latency',
] as const;

export function isProtocolTerm(term: FilterTerm): term is ProtocolFilterTerm {
  return (PROTOCOL_TERM_TYPES as readonly string[]).includes(term.type);
}

export type FilterTerm =
  /** Case-insensitive substring of the payload text. */
  | { type: 'text'; value: string }
  /** A JavaScript regular expression searched in the payload text. */
  | { type: 'regex'; source: string; flags: string }
  | { type: 'dir'; direction: Direction }
  | { type: 'kind'; kinds: EntryKind[] }
  /** Connection id starts with `prefix`. */
  | { type: 'conn'; prefix: string }
  | { type: 'size'; measure: SizeMeasure; op: CompareOp; bytes: number }
  /** Close code of a close entry. */
  | { type: 'code'; op: CompareOp; code: number }
  /** SSE event type: exact text or regex. */
  | { type: 'event'; pattern: TextPattern }
  /** SSE last event id: exact text or regex. */
  | { type: 'id'; pattern: TextPattern }
  /** Connection URL: case-insensitive substring or regex. */
  | { type: 'url'; pattern: TextPattern }
  /** A decoder note code (exact, or without/with only its `ws.` / `sse.` namespace). */
  | { type: 'note'; code: string }
  | { type: 'has'; what: HasWhat }
  | { type: 'json'; path: JsonPathSegment[]; test: JsonTest }
  | ProtocolFilterTerm;

export type FilterNode =
  | FilterTerm
  /** Two or more children. Nested `and`s are kept as written (parentheses). */
  | { type: 'and'; children: FilterNode[] }
  /** Two or more children. */
  | { type: 'or'; children: FilterNode[] }
  | { type: 'not'; child: FilterNode };

/** An empty filter matches everything; `all` only ever appears as the whole tree. */
export type FilterAst = FilterNode | { type: 'all' };

/** Where a problem is in the filter text: UTF-16 offsets, `end` exclusive (may equal `start`). */
export interface FilterError {
  message: string;
  start: number;
  end: number;
}

export type ParseResult = { ok: true; filter: FilterAst } | { ok: false; error: FilterError };
