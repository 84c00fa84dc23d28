/**
 * Conformance fixtures rebuilt from the Autobahn|Testsuite case categories (1 framing, 2 ping/pong,
 * 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close, 9 limits). Each case names its
 * Autobahn number. Autobahn checks that an endpoint *fails* the connection; an inspector instead
 * shows what was sent, so where Autobahn expects a failure we expect the output plus the note code.
 * Every case is decoded whole, byte by byte and in 7-byte pieces, and must give the same outputs.
 *
 * Deviation from Autobahn's (older) list: 1012–1014 are assigned by IANA and counted valid, as ws
 * and browsers do.
 */
import { describe, expect, it } from 'vitest';
import { WS_NOTE } from './notes.ts';
import { closePayload, comparable, concat, decodeStream, frame } from './test-frames.ts';
import type { FrameSpec } from './test-frames.ts';
import type { DecodedWsMessage, WsFrameDecoderOptions } from './types.ts';

interface Expected {
  kind: DecodedWsMessage['kind'];
  /** Exact text payload (the payload must be a string). */
  text?: string;
  /** Exact bytes payload, or its length. */
  bytes?: Uint8Array | number;
  notes?: string[];
  close?: { code: number; codeValid: boolean; reason?: string };
  fragments?: number;
  fin?: boolean;
}

interface Case {
  id: string;
  title: string;
  frames: FrameSpec[];
  expect: Expected[];
  options?: Partial<WsFrameDecoderOptions>;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const fill = (n: number, byte = 0x2a): Uint8Array => new Uint8Array(n).fill(byte);
const text = (payload: string | Uint8Array, more: Partial<FrameSpec> = {}): FrameSpec => ({
  opcode: 1,
  payload,
  mask: true,
  ...more,
});
const binary = (payload: Uint8Array, more: Partial<FrameSpec> = {}): FrameSpec => ({
  opcode: 2,
  payload,
  mask: true,
  ...more,
});
const cont = (payload: string | Uint8Array, more: Partial<FrameSpec> = {}): FrameSpec => ({
  opcode: 0,
  payload,
  mask: true,
  ...more,
});
const ping = (payload: string | Uint8Array = '', more: Partial<FrameSpec> = {}): FrameSpec => ({
  opcode: 9,
  payload,
  mask: true,
  ...more,
});
const pong = (payload: string | Uint8Array = '', more: Partial<FrameSpec> = {}): FrameSpec => ({
  opcode: 10,
  payload,
  mask: true,
  ...more,
});
const close = (
  payload: Uint8Array = new Uint8Array(0),
  more: Partial<FrameSpec> = {},
): FrameSpec => ({
  opcode: 8,
  payload,
  mask: true,
  ...more,
});
const closeOk: Expected = { kind: 'close', close: { code: 1000, codeValid: true } };

const cases: Case[] = [];

// ---- 1 Framing ------------------------------------------------------------------------------
for (const [i, n] of [0, 125, 126, 127, 128, 65535, 65536].entries()) {
  cases.push({
    id: `1.1.${i + 1}`,
    title: `text message of ${n} bytes`,
    frames: [text('*'.repeat(n))],
    expect: [{ kind: 'text', text: '*'.repeat(n) }],
  });
  cases.push({
    id: `1.2.${i + 1}`,
    title: `binary message of ${n} bytes`,
    frames: [binary(fill(n, 0xfe))],
    expect: [{ kind: 'binary', bytes: fill(n, 0xfe) }],
  });
}
cases.push({
  id: '1.1.8',
  title: 'text message of 65536 bytes in the 64-bit form, sent unmasked (server side)',
  frames: [text('*'.repeat(65536), { mask: false })],
  options: { direction: 'in' },
  expect: [{ kind: 'text', text: '*'.repeat(65536) }],
});

// ---- 2 Ping/pong ----------------------------------------------------------------------------
cases.push(
  {
    id: '2.1',
    title: 'ping without payload',
    frames: [ping()],
    expect: [{ kind: 'ping', bytes: 0 }],
  },
  {
    id: '2.2',
    title: 'ping with small text payload',
    frames: [ping('Hello, world!')],
    expect: [{ kind: 'ping', bytes: enc('Hello, world!') }],
  },
  {
    id: '2.3',
    title: 'ping with small binary (non UTF-8) payload',
    frames: [ping(hex('00ff fe fd fc fb 00 ff'))],
    expect: [{ kind: 'ping', bytes: hex('00fffefdfcfb00ff') }],
  },
  {
    id: '2.4',
    title: 'ping with 125 bytes binary payload',
    frames: [ping(fill(125, 0xfe))],
    expect: [{ kind: 'ping', bytes: 125 }],
  },
  {
    id: '2.5',
    title: 'ping with 126 bytes payload (too long for a control frame)',
    frames: [ping(fill(126, 0xfe)), close(closePayload(1000))],
    expect: [{ kind: 'ping', bytes: 126, notes: [WS_NOTE.controlTooLong] }, closeOk],
  },
  {
    id: '2.7',
    title: 'unsolicited pong without payload',
    frames: [pong()],
    expect: [{ kind: 'pong', bytes: 0 }],
  },
  {
    id: '2.8',
    title: 'unsolicited pong with payload',
    frames: [pong('unsolicited pong payload')],
    expect: [{ kind: 'pong', bytes: enc('unsolicited pong payload') }],
  },
  {
    id: '2.9',
    title: 'unsolicited pong, then ping',
    frames: [pong('unsolicited pong payload'), ping('ping payload')],
    expect: [
      { kind: 'pong', bytes: enc('unsolicited pong payload') },
      { kind: 'ping', bytes: enc('ping payload') },
    ],
  },
  {
    id: '2.10',
    title: '10 pings with payload',
    frames: Array.from({ length: 10 }, (_, i) => ping(`payload-${i}`)),
    expect: Array.from({ length: 10 }, (_, i) => ({
      kind: 'ping' as const,
      bytes: enc(`payload-${i}`),
    })),
  },
);

// ---- 3 Reserved bits ------------------------------------------------------------------------
cases.push(
  {
    id: '3.1',
    title: 'text with RSV1 set, no extension negotiated',
    frames: [text('Hello, world!', { rsv1: true })],
    expect: [{ kind: 'text', text: 'Hello, world!', notes: [WS_NOTE.rsvBits] }],
  },
  {
    id: '3.2',
    title: 'text, then text with RSV2, then ping',
    frames: [text('Hello, world!'), text('Hello, world!', { rsv2: true }), ping('Hello, world!')],
    expect: [
      { kind: 'text', text: 'Hello, world!' },
      { kind: 'text', text: 'Hello, world!', notes: [WS_NOTE.rsvBits] },
      { kind: 'ping', bytes: enc('Hello, world!') },
    ],
  },
  {
    id: '3.3',
    title: 'text, then text with RSV1|RSV2 (=3), then ping',
    frames: [text('Hello, world!'), text('Hello, world!', { rsv1: true, rsv2: true }), ping('x')],
    expect: [
      { kind: 'text', text: 'Hello, world!' },
      { kind: 'text', text: 'Hello, world!', notes: [WS_NOTE.rsvBits] },
      { kind: 'ping', bytes: 1 },
    ],
  },
  {
    id: '3.4',
    title: 'text with RSV3 (=4)',
    frames: [text('Hello, world!', { rsv3: true })],
    expect: [{ kind: 'text', text: 'Hello, world!', notes: [WS_NOTE.rsvBits] }],
  },
  {
    id: '3.5',
    title: 'binary with RSV1|RSV3 (=5)',
    frames: [binary(fill(8, 0xff), { rsv1: true, rsv3: true })],
    expect: [{ kind: 'binary', bytes: fill(8, 0xff), notes: [WS_NOTE.rsvBits] }],
  },
  {
    id: '3.6',
    title: 'ping with RSV2|RSV3 (=6)',
    frames: [ping('Hello, world!', { rsv2: true, rsv3: true })],
    expect: [{ kind: 'ping', bytes: 13, notes: [WS_NOTE.rsvBits] }],
  },
  {
    id: '3.7',
    title: 'close with RSV1|RSV2|RSV3 (=7)',
    frames: [close(closePayload(1000), { rsv1: true, rsv2: true, rsv3: true })],
    expect: [{ ...closeOk, notes: [WS_NOTE.rsvBits] }],
  },
);

// ---- 4 Opcodes ------------------------------------------------------------------------------
for (const [i, op] of [3, 4, 5, 6, 7].entries()) {
  cases.push({
    id: `4.1.${i + 1}`,
    title: `reserved non-control opcode ${op} between valid messages`,
    frames: [text('Hello, world!'), { opcode: op, payload: 'reserved', mask: true }, ping('p')],
    expect: [
      { kind: 'text', text: 'Hello, world!' },
      { kind: 'error', bytes: enc('reserved'), notes: [WS_NOTE.reservedOpcode] },
      { kind: 'ping', bytes: 1 },
    ],
  });
}
for (const [i, op] of [11, 12, 13, 14, 15].entries()) {
  cases.push({
    id: `4.2.${i + 1}`,
    title: `reserved control opcode ${op} between valid messages`,
    frames: [text('Hello, world!'), { opcode: op, payload: 'reserved', mask: true }, ping('p')],
    expect: [
      { kind: 'text', text: 'Hello, world!' },
      { kind: 'error', bytes: enc('reserved'), notes: [WS_NOTE.reservedOpcode] },
      { kind: 'ping', bytes: 1 },
    ],
  });
}

// ---- 5 Fragmentation ------------------------------------------------------------------------
cases.push(
  {
    id: '5.1',
    title: 'ping in 2 fragments',
    frames: [ping('fragment1', { fin: false }), cont('fragment2')],
    expect: [
      { kind: 'ping', bytes: enc('fragment1'), notes: [WS_NOTE.controlFragmented] },
      { kind: 'error', bytes: enc('fragment2'), notes: [WS_NOTE.unexpectedContinuation] },
    ],
  },
  {
    id: '5.2',
    title: 'pong in 2 fragments',
    frames: [pong('fragment1', { fin: false }), cont('fragment2')],
    expect: [
      { kind: 'pong', bytes: enc('fragment1'), notes: [WS_NOTE.controlFragmented] },
      { kind: 'error', bytes: enc('fragment2'), notes: [WS_NOTE.unexpectedContinuation] },
    ],
  },
  {
    id: '5.3',
    title: 'text in 2 fragments',
    frames: [text('fragment1', { fin: false }), cont('fragment2')],
    expect: [{ kind: 'text', text: 'fragment1fragment2', fragments: 2 }],
  },
  {
    id: '5.6',
    title: 'text in 2 fragments with a ping in between',
    frames: [text('fragment1', { fin: false }), ping('pongme!'), cont('fragment2')],
    expect: [
      { kind: 'ping', bytes: enc('pongme!') },
      { kind: 'text', text: 'fragment1fragment2', fragments: 2 },
    ],
  },
  {
    id: '5.9',
    title: 'unfragmented continuation (FIN) without a message, then a valid text',
    frames: [cont('non-continuation payload'), text('Hello, world!')],
    expect: [
      { kind: 'error', bytes: 24, notes: [WS_NOTE.unexpectedContinuation] },
      { kind: 'text', text: 'Hello, world!' },
    ],
  },
  {
    id: '5.12',
    title: 'continuation without FIN and without a message, then a valid text',
    frames: [cont('non-continuation payload', { fin: false }), text('Hello, world!')],
    expect: [
      { kind: 'error', bytes: 24, notes: [WS_NOTE.unexpectedContinuation] },
      { kind: 'text', text: 'Hello, world!' },
    ],
  },
  {
    id: '5.15',
    title: 'two fragments, then continuation of nothing, then a new fragmented message',
    frames: [
      text('fragment1', { fin: false }),
      cont('fragment2'),
      cont('fragment3', { fin: false }),
      text('fragment4', { fin: false }),
      cont('fragment5'),
    ],
    expect: [
      { kind: 'text', text: 'fragment1fragment2', fragments: 2 },
      { kind: 'error', bytes: enc('fragment3'), notes: [WS_NOTE.unexpectedContinuation] },
      { kind: 'text', text: 'fragment4fragment5', fragments: 2 },
    ],
  },
  {
    id: '5.18',
    title: 'text fragment, then a new text (FIN) inside the unfinished message',
    frames: [text('fragment1', { fin: false }), text('fragment2')],
    expect: [
      { kind: 'text', text: 'fragment1', fin: false, notes: [WS_NOTE.interleavedDataFrame] },
      { kind: 'text', text: 'fragment2' },
    ],
  },
  {
    id: '5.19',
    title: 'text in 5 fragments with pings in between',
    frames: [
      text('fragment1', { fin: false }),
      cont('fragment2', { fin: false }),
      ping('pongme 1!'),
      cont('fragment3', { fin: false }),
      cont('fragment4', { fin: false }),
      ping('pongme 2!'),
      cont('fragment5'),
    ],
    expect: [
      { kind: 'ping', bytes: enc('pongme 1!') },
      { kind: 'ping', bytes: enc('pongme 2!') },
      { kind: 'text', text: 'fragment1fragment2fragment3fragment4fragment5', fragments: 5 },
    ],
  },
  {
    id: '5.x',
    title: 'empty fragments around a binary payload',
    frames: [
      binary(new Uint8Array(0), { fin: false }),
      cont(fill(3), { fin: false }),
      cont(new Uint8Array(0)),
    ],
    expect: [{ kind: 'binary', bytes: fill(3), fragments: 3 }],
  },
);

// ---- 6 UTF-8 handling -----------------------------------------------------------------------
const kosme = hex('cebae1bdb9cf83cebcceb5'); // κόσμε, with U+1F79 as Autobahn has it
const kosmeText = Buffer.from(kosme).toString('utf8');
cases.push(
  { id: '6.1.1', title: 'empty text', frames: [text('')], expect: [{ kind: 'text', text: '' }] },
  {
    id: '6.1.2',
    title: 'empty text in 3 empty fragments',
    frames: [text('', { fin: false }), cont('', { fin: false }), cont('')],
    expect: [{ kind: 'text', text: '', fragments: 3 }],
  },
  {
    id: '6.2.1',
    title: 'valid UTF-8 with 2-, 3- and 4-byte sequences',
    frames: [text(enc('Hello-µ@ßöäüàá-UTF-8!! 😀'))],
    expect: [{ kind: 'text', text: 'Hello-µ@ßöäüàá-UTF-8!! 😀' }],
  },
  {
    id: '6.2.3',
    title: 'valid UTF-8 split inside a code point across fragments',
    frames: [
      text(kosme.subarray(0, 1), { fin: false }),
      cont(kosme.subarray(1, 4), { fin: false }),
      cont(kosme.subarray(4)),
    ],
    expect: [{ kind: 'text', text: kosmeText, fragments: 3 }],
  },
  {
    id: '6.2.4',
    title: 'valid UTF-8, one byte per fragment',
    frames: Array.from(kosme, (b, i) =>
      (i === 0 ? text : cont)(Uint8Array.of(b), { fin: i === kosme.length - 1 }),
    ),
    expect: [{ kind: 'text', text: kosmeText, fragments: kosme.length }],
  },
);
const invalidUtf8: [string, string, string][] = [
  ['6.3.1', 'κόσμε-edited with an invalid byte', 'cebae1bdb9cf83cebcceb5eda080656469746564'],
  ['6.6.1', 'lone 0xce', 'ce'],
  ['6.8.1', '5-byte sequence', 'f888808080'],
  ['6.9.1', 'first 6-byte sequence', 'fc8480808080'],
  ['6.12.1', 'lone continuation byte 0x80', '80'],
  ['6.13.1', 'lonely start characters', 'c020c120c220'],
  ['6.14.1', '2-byte sequence missing its last byte', 'c0'],
  ['6.14.6', '3-byte sequence missing its last byte', 'efbf'],
  [
    '6.15.1',
    'concatenated incomplete sequences',
    'c0e080f08080f8808080fc80808080dfefbff7bfbffbbfbfbffdbfbfbfbf',
  ],
  ['6.16.1', 'impossible byte 0xfe', 'fe'],
  ['6.16.2', 'impossible byte 0xff', 'ff'],
  ['6.17.1', 'overlong ASCII (2 bytes)', 'c0af'],
  ['6.17.2', 'overlong ASCII (3 bytes)', 'e080af'],
  ['6.18.1', 'maximum overlong (2 bytes)', 'c1bf'],
  ['6.19.1', 'overlong NUL', 'c080'],
  ['6.20.1', 'single UTF-16 surrogate U+D800', 'eda080'],
  ['6.20.7', 'single UTF-16 surrogate U+DFFF', 'edbfbf'],
  ['6.21.1', 'paired UTF-16 surrogates', 'eda080edb080'],
  ['6.3.2', 'code point above U+10FFFF', 'f4908080'],
];
for (const [id, title, h] of invalidUtf8) {
  cases.push({
    id,
    title: `invalid UTF-8: ${title}`,
    frames: [text(hex(h))],
    expect: [{ kind: 'text', bytes: hex(h), notes: [WS_NOTE.invalidUtf8] }],
  });
}
cases.push(
  {
    id: '6.4.1',
    title: 'invalid sequence split across fragments (fail fast in Autobahn)',
    frames: [
      text(kosme, { fin: false }),
      cont(hex('f4908080'), { fin: false }),
      cont(enc('edited')),
    ],
    expect: [
      {
        kind: 'text',
        bytes: concat([kosme, hex('f4908080'), enc('edited')]),
        notes: [WS_NOTE.invalidUtf8],
        fragments: 3,
      },
    ],
  },
  {
    id: '6.4.3',
    title: 'invalid bytes split over fragments, then a valid message',
    frames: [
      text(hex('cebae1bdb9cf83cebcceb5f4'), { fin: false }),
      cont(hex('908080')),
      text('ok'),
    ],
    expect: [
      { kind: 'text', bytes: 15, notes: [WS_NOTE.invalidUtf8], fragments: 2 },
      { kind: 'text', text: 'ok' },
    ],
  },
  {
    id: '6.22.1',
    title: 'noncharacter U+FFFE is valid UTF-8',
    frames: [text(hex('efbfbe'))],
    expect: [{ kind: 'text', text: '\uFFFE' }],
  },
  {
    id: '6.23.1',
    title: 'a leading BOM and U+FFFD are kept as sent',
    frames: [text(hex('efbbbfefbfbd'))],
    expect: [{ kind: 'text', text: '\uFEFF\uFFFD' }],
  },
);

// ---- 7 Close handling -----------------------------------------------------------------------
cases.push(
  {
    id: '7.1.1',
    title: 'text, then a clean close',
    frames: [text('Hello World!'), close(closePayload(1000))],
    expect: [{ kind: 'text', text: 'Hello World!' }, closeOk],
  },
  {
    id: '7.1.2',
    title: 'close twice',
    frames: [close(closePayload(1000)), close(closePayload(1000))],
    expect: [closeOk, { ...closeOk, notes: [WS_NOTE.dataAfterClose] }],
  },
  {
    id: '7.1.3',
    title: 'ping after close',
    frames: [close(closePayload(1000)), ping('Hello World!')],
    expect: [closeOk, { kind: 'ping', bytes: 12, notes: [WS_NOTE.dataAfterClose] }],
  },
  {
    id: '7.1.4',
    title: 'text after close',
    frames: [close(closePayload(1000)), text('Hello World!')],
    expect: [closeOk, { kind: 'text', text: 'Hello World!', notes: [WS_NOTE.dataAfterClose] }],
  },
  {
    id: '7.1.5',
    title: 'close in the middle of a fragmented message',
    frames: [text('fragment1', { fin: false }), close(closePayload(1000)), cont('fragment2')],
    expect: [
      closeOk,
      { kind: 'text', text: 'fragment1fragment2', fragments: 2, notes: [WS_NOTE.dataAfterClose] },
    ],
  },
  {
    id: '7.3.1',
    title: 'close with empty payload means 1005',
    frames: [close()],
    expect: [{ kind: 'close', bytes: 0, close: { code: 1005, codeValid: true, reason: '' } }],
  },
  {
    id: '7.3.2',
    title: 'close with a 1-byte payload',
    frames: [close(Uint8Array.of(0x03))],
    expect: [
      {
        kind: 'close',
        bytes: 1,
        close: { code: 1005, codeValid: false },
        notes: [WS_NOTE.closeTooShort],
      },
    ],
  },
  {
    id: '7.3.3',
    title: 'close with code only',
    frames: [close(closePayload(1000))],
    expect: [{ kind: 'close', close: { code: 1000, codeValid: true, reason: '' } }],
  },
  {
    id: '7.3.4',
    title: 'close with code and reason',
    frames: [close(closePayload(1000, 'Hello World!'))],
    expect: [{ kind: 'close', close: { code: 1000, codeValid: true, reason: 'Hello World!' } }],
  },
  {
    id: '7.3.5',
    title: 'close with a 123-byte reason (125 bytes in all)',
    frames: [close(closePayload(1000, '*'.repeat(123)))],
    expect: [
      {
        kind: 'close',
        bytes: 125,
        close: { code: 1000, codeValid: true, reason: '*'.repeat(123) },
      },
    ],
  },
  {
    id: '7.3.6',
    title: 'close with a 124-byte reason (126 bytes: too long)',
    frames: [close(closePayload(1000, '*'.repeat(124)))],
    expect: [
      {
        kind: 'close',
        bytes: 126,
        close: { code: 1000, codeValid: true, reason: '*'.repeat(124) },
        notes: [WS_NOTE.controlTooLong],
      },
    ],
  },
  {
    id: '7.5.1',
    title: 'close with an invalid UTF-8 reason',
    frames: [close(concat([closePayload(1000), hex('cebae1bdb9cf83cebcceb5eda080656469746564')]))],
    expect: [
      { kind: 'close', close: { code: 1000, codeValid: true }, notes: [WS_NOTE.invalidUtf8] },
    ],
  },
);
for (const [i, code] of [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
].entries()) {
  cases.push({
    id: `7.7.${i + 1}`,
    title: `valid close code ${code}`,
    frames: [close(closePayload(code))],
    expect: [{ kind: 'close', close: { code, codeValid: true } }],
  });
}
for (const [i, code] of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999].entries()) {
  cases.push({
    id: `7.9.${i + 1}`,
    title: `invalid close code ${code}`,
    frames: [close(closePayload(code))],
    expect: [
      { kind: 'close', close: { code, codeValid: false }, notes: [WS_NOTE.invalidCloseCode] },
    ],
  });
}
cases.push(
  {
    id: '7.13.1',
    title: 'close code 5000 (out of range)',
    frames: [close(closePayload(5000))],
    expect: [
      { kind: 'close', close: { code: 5000, codeValid: false }, notes: [WS_NOTE.invalidCloseCode] },
    ],
  },
  {
    id: '7.13.2',
    title: 'close code 65535',
    frames: [close(closePayload(65535))],
    expect: [
      {
        kind: 'close',
        close: { code: 65535, codeValid: false },
        notes: [WS_NOTE.invalidCloseCode],
      },
    ],
  },
);

// ---- 9 Limits / large messages --------------------------------------------------------------
cases.push(
  {
    id: '9.1.3',
    title: 'text message of 1 MiB',
    frames: [text('x'.repeat(1 << 20))],
    expect: [{ kind: 'text', text: 'x'.repeat(1 << 20) }],
  },
  {
    id: '9.2.3',
    title: 'binary message of 1 MiB',
    frames: [binary(fill(1 << 20, 0xfe))],
    expect: [{ kind: 'binary', bytes: fill(1 << 20, 0xfe) }],
  },
  {
    id: '9.3.1',
    title: 'text of 256 KiB in 64-byte fragments',
    frames: Array.from({ length: 4096 }, (_, i) =>
      (i === 0 ? text : cont)('y'.repeat(64), { fin: i === 4095 }),
    ),
    expect: [{ kind: 'text', text: 'y'.repeat(64 * 4096), fragments: 4096 }],
  },
  {
    id: '9.7.x',
    title: '1000 small text messages in a row',
    frames: Array.from({ length: 1000 }, (_, i) => text(`message ${i}`)),
    expect: Array.from({ length: 1000 }, (_, i) => ({
      kind: 'text' as const,
      text: `message ${i}`,
    })),
  },
  {
    id: '9.x-maxPayload',
    title: 'a message over maxPayload is counted and skipped, then decoding resumes',
    options: { maxPayload: 1000 },
    frames: [text('a'.repeat(600), { fin: false }), cont('b'.repeat(600)), text('after')],
    expect: [
      { kind: 'text', bytes: 0, notes: [WS_NOTE.maxPayload], fragments: 2 },
      { kind: 'text', text: 'after' },
    ],
  },
  {
    id: '9.x-maxFragments',
    title: 'a message over maxFragments is skipped, control frames in it still decode',
    options: { maxFragments: 3 },
    frames: [
      text('1', { fin: false }),
      cont('2', { fin: false }),
      cont('3', { fin: false }),
      ping('in between'),
      cont('4', { fin: false }),
      cont('5'),
      text('after'),
    ],
    expect: [
      { kind: 'ping', bytes: enc('in between') },
      { kind: 'text', bytes: 0, notes: [WS_NOTE.maxFragments], fragments: 5 },
      { kind: 'text', text: 'after' },
    ],
  },
);

function check(outputs: DecodedWsMessage[], expected: Expected[]): void {
  expect(outputs.map((o) => o.kind)).toEqual(expected.map((e) => e.kind));
  outputs.forEach((out, i) => {
    const e = expected[i] as Expected;
    expect((out.notes ?? []).map((n) => n.code).sort()).toEqual([...(e.notes ?? [])].sort());
    if (e.text !== undefined) expect(out.payload).toBe(e.text);
    if (e.bytes !== undefined) {
      expect(out.payload).toBeInstanceOf(Uint8Array);
      const payload = out.payload as Uint8Array;
      if (typeof e.bytes === 'number') expect(payload.length).toBe(e.bytes);
      else expect(Buffer.from(payload).equals(Buffer.from(e.bytes))).toBe(true);
    }
    if (e.close) expect(out.close).toMatchObject(e.close);
    if (e.fragments !== undefined) expect(out.frame?.fragments).toBe(e.fragments);
    if (e.fin !== undefined) expect(out.frame?.fin).toBe(e.fin);
  });
}

describe('Autobahn-derived conformance cases', () => {
  it.each(cases.map((c) => [c.id, c.title, c] as const))('%s %s', (_id, _title, c) => {
    const stream = concat(c.frames.map((f) => frame(f)));
    const options: WsFrameDecoderOptions = { direction: 'out', ...c.options };
    const whole = decodeStream(stream, options);
    check(whole, c.expect);
    // Wire sizes add up to the stream: every byte belongs to exactly one output.
    expect(whole.reduce((sum, m) => sum + m.wireSize, 0)).toBe(stream.length);
    const reference = comparable(whole);
    if (stream.length <= 1 << 16)
      expect(comparable(decodeStream(stream, options, 1))).toEqual(reference);
    expect(comparable(decodeStream(stream, options, 7))).toEqual(reference);
    expect(comparable(decodeStream(stream, options, 16 * 1024 + 3))).toEqual(reference);
  });
});
