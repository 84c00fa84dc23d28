/**
 * zod schemas for the lines of a Telltale NDJSON session file. A session file is untrusted input
 * (shared by someone, edited by hand, torn by a crash): every field is checked for type before it
 * reaches the store. Unknown fields are dropped (a newer writer may add some); `null` is not
 * accepted for an absent field: absent means absent.
 */
import { z } from 'zod';
import type { Connection } from '../../../shared/model/connection.ts';
import { PROTOCOL_NAMES } from '../../../shared/model/protocol.ts';
import { ENTRY_KINDS } from '../../../shared/model/entry.ts';
import type { Entry } from '../../../shared/model/entry.ts';

export const SESSION_FORMAT_VERSION = 1;

const uint = z.number().int().nonnegative();
const time = z.number();
const headerList = z.array(z.tuple([z.string(), z.string()]));
const direction = z.enum(['out', 'in']);

export const headerLineSchema = z.object({
  type: z.literal('telltale'),
  version: z.number().int().positive(),
  created: time,
  generator: z.string().optional(),
});

export type SessionHeader = Omit<z.infer<typeof headerLineSchema>, 'type'>;

const responseSchema = z.object({
  status: z.number().int().min(0).max(999),
  statusText: z.string(),
  headers: headerList,
  body: z.string().optional(),
  bodyBase64: z.string().optional(),
  bodyTruncated: z.boolean().optional(),
});

export const connectionLineSchema = z.object({
  type: z.literal('connection'),
  id: z.string().min(1),
  kind: z.enum(['ws', 'sse', 'http']),
  source: z.enum(['client', 'proxy', 'import', 'replay']),
  url: z.string(),
  method: z.string(),
  requestHeaders: headerList,
  requestBody: z.string().optional(),
  requestBodyBase64: z.string().optional(),
  response: responseSchema.optional(),
  protocol: z.string().optional(),
  extensions: z.string().optional(),
  state: z.enum(['connecting', 'open', 'closing', 'closed', 'aborted', 'failed']),
  openedAt: time,
  closedAt: time.optional(),
  closeCode: z.number().int().min(0).max(65535).optional(),
  closeReason: z.string().optional(),
  closeInitiator: direction.optional(),
  error: z.string().optional(),
  bytesOut: uint,
  bytesIn: uint,
  resumes: z.string().optional(),
  pingRttMs: z.array(z.number()).optional(),
  replayOf: z.string().optional(),
  protocolChoice: z.enum(PROTOCOL_NAMES).nullable().optional(),
});

const frameSchema = z.object({
  opcode: z.number().int().min(0).max(15),
  fin: z.boolean(),
  rsv1: z.boolean(),
  rsv2: z.boolean(),
  rsv3: z.boolean(),
  masked: z.boolean(),
  fragments: uint,
  compressedSize: uint.optional(),
});

const closeSchema = z.object({
  code: z.number().int().min(0).max(65535),
  reason: z.string(),
  codeValid: z.boolean(),
});

const sseSchema = z.object({
  event: z.string(),
  lastEventId: z.string(),
  id: z.string().optional(),
  retry: uint.optional(),
});

const noteSchema = z.object({ code: z.string(), message: z.string() });

export const entryLineSchema = z.object({
  type: z.literal('entry'),
  seq: z.number().int().min(1).max(0xffff_ffff),
  connectionId: z.string().min(1),
  time,
  direction,
  kind: z.enum(ENTRY_KINDS),
  payload: z.string(),
  /** Absent: `payload` is the text itself. `base64`: `payload` is the bytes, base64-encoded. */
  payloadEncoding: z.literal('base64').optional(),
  payloadSize: uint,
  wireSize: uint,
  frame: frameSchema.optional(),
  close: closeSchema.optional(),
  sse: sseSchema.optional(),
  lifecycle: z
    .enum(['connecting', 'open', 'reconnecting', 'closed', 'aborted', 'failed', 'info'])
    .optional(),
  notes: z.array(noteSchema).optional(),
  intervention: z.enum(['injected', 'edited', 'dropped']).optional(),
});

export const recordTypeSchema = z.object({ type: z.string() });

// Compile-time guard: when the shared model gains a field, this fails until the schema (and
// docs/session-format.md) learn it too. The schema output must also fit the model.
type MissingFrom<Model, Schema> = Exclude<keyof Model, keyof Schema>;
type Guard<T extends never> = T;
export type ConnectionFieldsCovered = Guard<
  MissingFrom<Connection, z.infer<typeof connectionLineSchema>>
>;
export type EntryFieldsCovered = Guard<MissingFrom<Entry, z.infer<typeof entryLineSchema>>>;
export const connectionFitsModel = (line: z.infer<typeof connectionLineSchema>): Connection => {
  const { type: _type, ...connection } = line;
  return connection;
};
