/**
 * Argument schemas for every command: what a renderer (or anyone holding the server's token)
 * may send is untrusted, and is checked here before it reaches the service.
 */
import { z } from 'zod';
import type { CommandName } from '../../../shared/api.ts';
import { ENTRY_KINDS } from '../../../shared/model/entry.ts';
import { PROTOCOL_NAMES } from '../../../shared/model/protocol.ts';

const MiB = 1024 * 1024;
const shortText = z.string().max(8 * 1024);
const headerList = z.array(z.tuple([shortText.min(1), z.string().max(64 * 1024)])).max(256);
const connectionId = z.string().min(1).max(200);
const seq = z.number().int().min(1).max(0xffff_ffff);
const entryKind = z.enum(ENTRY_KINDS);

const openConnection = z.strictObject({
  url: z
    .string()
    .min(1)
    .max(16 * 1024),
  mode: z.enum(['ws', 'sse']).optional(),
  headers: headerList.optional(),
  protocols: z.array(shortText.min(1)).max(64).optional(),
  deflate: z.boolean().optional(),
  insecure: z.boolean().optional(),
  method: z
    .string()
    .regex(/^[A-Za-z]{1,20}$/)
    .optional(),
  body: z
    .string()
    .max(16 * MiB)
    .optional(),
  reconnect: z.boolean().optional(),
  autoPingMs: z.number().int().min(0).max(3_600_000).optional(),
});

const outgoing = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('text'), text: z.string().max(16 * MiB) }),
  z.strictObject({ kind: z.literal('binary'), base64: z.base64().max(22 * MiB) }),
]);

const query = z.strictObject({
  filter: z
    .string()
    .max(64 * 1024)
    .optional(),
  connectionId: connectionId.optional(),
  kinds: z.array(entryKind).max(16).optional(),
  direction: z.enum(['in', 'out']).optional(),
  fromSeq: seq.optional(),
  limit: z.number().int().min(1).max(10_000_000).optional(),
});

const sessionExport = z.strictObject({
  format: z.enum(['har', 'ndjson']),
  redact: z.boolean().optional(),
  redactHeaders: z.array(shortText.min(1)).max(256).optional(),
  redactQuery: z.array(shortText.min(1)).max(256).optional(),
  connectionIds: z.array(connectionId).max(100_000).optional(),
  filter: z
    .string()
    .max(64 * 1024)
    .optional(),
});

const sessionFile = z.strictObject({
  fileName: z.string().min(1).max(1024),
  text: z.string().max(16 * MiB),
});

/** A journal's file name: no paths, so a client can only name files Telltale wrote. */
const journalName = z
  .string()
  .regex(/^[\w.-]{1,200}\.ndjson$/)
  .refine((name) => !name.startsWith('.'));

const loopbackHost = z.enum(['127.0.0.1', '::1', 'localhost']);

const proxySettings = z.strictObject({
  port: z.number().int().min(0).max(65535),
  host: loopbackHost.optional(),
  mitm: z.boolean().optional(),
  insecureUpstream: z.boolean().optional(),
  target: z
    .string()
    .max(16 * 1024)
    .regex(/^(https?|wss?):\/\//, 'target must be an http, https, ws or wss URL')
    .optional(),
});

const sentMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('text'), text: z.string().max(16 * MiB) }),
  z.strictObject({ kind: z.literal('binary'), base64: z.base64().max(22 * MiB) }),
  z.strictObject({
    kind: z.literal('event'),
    data: z.string().max(16 * MiB),
    event: z
      .string()
      .max(1024)
      .regex(/^[^\r\n]*$/)
      .optional(),
    id: z
      .string()
      .max(1024)
      .regex(/^[^\r\n\0]*$/)
      .optional(),
  }),
]);

const breakpointRule = z.strictObject({
  id: z.string().min(1).max(200),
  filter: z.string().max(64 * 1024),
  action: z.enum(['pause', 'drop', 'rewrite']),
  replacement: z
    .string()
    .max(16 * MiB)
    .optional(),
  enabled: z.boolean().optional(),
});

const handshakeRule = z.strictObject({
  id: z.string().min(1).max(200),
  url: z
    .string()
    .max(16 * 1024)
    .optional(),
  set: headerList.optional(),
  add: headerList.optional(),
  remove: z.array(shortText.min(1)).max(256).optional(),
  enabled: z.boolean().optional(),
});

const settingsPatch = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']).optional(),
  timeDisplay: z.enum(['absolute', 'relative']).optional(),
});

export const commandArgs = {
  hello: z.tuple([]),
  listConnections: z.tuple([]),
  openConnection: z.tuple([openConnection]),
  closeConnection: z.tuple([
    connectionId,
    z.number().int().min(1000).max(4999).optional(),
    z.string().max(123).optional(),
  ]),
  sendMessage: z.tuple([connectionId, outgoing]),
  queryEntries: z.tuple([query]),
  getRows: z.tuple([z.array(seq).max(100_000)]),
  getEntry: z.tuple([seq]),
  sessionInfo: z.tuple([]),
  clearSession: z.tuple([]),
  exportSession: z.tuple([sessionExport]),
  importSession: z.tuple([sessionFile]),
  listSavedSessions: z.tuple([]),
  openSavedSession: z.tuple([journalName]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([settingsPatch]),
  getProxyState: z.tuple([]),
  startProxy: z.tuple([proxySettings]),
  stopProxy: z.tuple([]),
  getCaCertificate: z.tuple([]),
  listLlmSummaries: z.tuple([]),
  setLlmMode: z.tuple([
    connectionId,
    z
      .strictObject({
        flavor: z.enum(['openai-chat', 'openai-responses', 'anthropic-messages', 'generic']),
        textPath: z.string().min(1).max(1024).optional(),
      })
      .nullable(),
  ]),
  listFindings: z.tuple([]),
  getProtocols: z.tuple([]),
  getProtocolDetail: z.tuple([seq]),
  getChannelMessages: z.tuple([
    z.string().min(1).max(1024),
    z.number().int().min(1).max(20_000).optional(),
  ]),
  setProtocol: z.tuple([connectionId, z.enum([...PROTOCOL_NAMES, 'raw', 'auto'])]),
  injectMessage: z.tuple([connectionId, z.enum(['in', 'out']), sentMessage]),
  resendEntry: z.tuple([seq, sentMessage.optional()]),
  getBreakpoints: z.tuple([]),
  setBreakpointRules: z.tuple([z.array(breakpointRule).max(200)]),
  setHandshakeRules: z.tuple([z.array(handshakeRule).max(200)]),
  resolvePaused: z.tuple([
    z.string().min(1).max(200),
    z.enum(['forward', 'drop']),
    sentMessage.optional(),
  ]),
  replayConnection: z.tuple([
    z.strictObject({
      connectionId,
      url: z
        .string()
        .min(1)
        .max(16 * 1024)
        .regex(/^(https?|wss?):\/\//)
        .optional(),
      mode: z.enum(['timed', 'fast', 'step']).optional(),
      speed: z.number().positive().max(1000).optional(),
    }),
  ]),
  startMock: z.tuple([
    connectionId,
    z.strictObject({
      port: z.number().int().min(0).max(65535).optional(),
      mode: z.enum(['timed', 'answer']).optional(),
    }),
  ]),
  stopMock: z.tuple([z.string().min(1).max(200)]),
  listMocks: z.tuple([]),
} as const satisfies Record<CommandName, z.ZodType>;
