/**
 * zod schemas for HAR files being imported: Telltale's own and those of Chrome DevTools and other
 * tools. Only the fields import reads are checked, leniently where tools differ (a missing
 * `statusText`, `null` for an absent `_error`); everything else passes untouched. Telltale's
 * `_telltale*` fields reuse the session file's schemas so the two formats cannot drift apart.
 */
import { z } from 'zod';
import { connectionLineSchema, entryLineSchema } from './ndjson-schema.ts';

const header = z.object({ name: z.string(), value: z.string() });

export const harWsMessageSchema = z.object({
  type: z.string(),
  time: z.number(),
  opcode: z.number(),
  data: z.string(),
});

export const harEventSourceMessageSchema = z.object({
  time: z.number(),
  eventName: z.string().nullish(),
  eventId: z.string().nullish(),
  data: z.string(),
});

const harEventSourceCommentSchema = z.object({ time: z.number(), data: z.string() });

const webSocketCloseSchema = z.union([
  z.literal('aborted'),
  z.object({
    code: z.number().int().min(0).max(65535),
    reason: z.string().nullish(),
    timestamp: z.number().nullish(),
  }),
]);

export const harTelltaleConnectionSchema = connectionLineSchema
  .pick({
    id: true,
    kind: true,
    source: true,
    state: true,
    openedAt: true,
    closedAt: true,
    closeCode: true,
    closeReason: true,
    closeInitiator: true,
    error: true,
    bytesOut: true,
    bytesIn: true,
    resumes: true,
    pingRttMs: true,
    replayOf: true,
    protocolChoice: true,
    protocol: true,
    extensions: true,
  })
  .extend({
    noResponse: z.literal(true).optional(),
    responseBodyTruncated: z.boolean().optional(),
  });

export const harTelltaleEntrySchema = entryLineSchema
  .omit({ type: true, connectionId: true, payload: true })
  .extend({
    message: z.number().int().nonnegative().optional(),
    payload: z.string().optional(),
  });

export const harEntrySchema = z.object({
  startedDateTime: z.string(),
  time: z.number().nullish(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.array(header),
    postData: z
      .object({
        mimeType: z.string().nullish(),
        text: z.string().nullish(),
        _encoding: z.literal('base64').nullish(),
      })
      .nullish(),
  }),
  response: z.object({
    status: z.number(),
    statusText: z.string().nullish(),
    headers: z.array(header),
    content: z
      .object({
        mimeType: z.string().nullish(),
        text: z.string().nullish(),
        encoding: z.string().nullish(),
      })
      .nullish(),
    _error: z.string().nullish(),
  }),
  _resourceType: z.string().nullish(),
  _webSocketMessages: z.array(harWsMessageSchema).nullish(),
  _webSocketClose: webSocketCloseSchema.nullish(),
  _eventSourceMessages: z.array(harEventSourceMessageSchema).nullish(),
  _eventSourceComments: z.array(harEventSourceCommentSchema).nullish(),
  _retry: z.number().nullish(),
  _telltaleConnection: harTelltaleConnectionSchema.optional(),
  _telltaleEntries: z.array(harTelltaleEntrySchema).optional(),
});

export type HarEntryInput = z.infer<typeof harEntrySchema>;
export type HarTelltaleEntryInput = z.infer<typeof harTelltaleEntrySchema>;

/** The outer shape, checked first so that "not a HAR at all" is told apart from a bad entry. */
export const harOuterSchema = z.object({
  log: z.object({
    version: z.string().nullish(),
    entries: z.array(z.unknown()),
    _telltale: z.object({ version: z.number(), created: z.number() }).optional(),
  }),
});
