/**
 * WebSocket opcode and close-code tables (RFC 6455 §5.2, §7.4, IANA "WebSocket Close Code Number
 * Registry"). Pure data for the decoder and the UI alike: no Node, no DOM.
 */

export const WS_OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export type WsOpcodeName = keyof typeof WS_OPCODE;

const OPCODE_NAMES: Readonly<Record<number, WsOpcodeName>> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

/** True for opcodes RFC 6455 leaves reserved (0x3–0x7 data, 0xB–0xF control). */
export function isReservedOpcode(opcode: number): boolean {
  return (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xb;
}

/** True for control opcodes (0x8–0xF), whose payload must be ≤ 125 bytes and unfragmented. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** A label for any 4-bit opcode, e.g. `text` or `reserved (0x3)`. */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `reserved (0x${opcode.toString(16).toUpperCase()})`;
}

export type CloseCodeRange =
  /** 0–999: never used. */
  | 'unused'
  /** 1000–2999: defined by RFC 6455 and its extensions (IANA registry). */
  | 'protocol'
  /** 3000–3999: registered with IANA by libraries and frameworks. */
  | 'registered'
  /** 4000–4999: private use by applications. */
  | 'private'
  /** 5000 and above: outside every range. */
  | 'out-of-range';

export interface CloseCodeInfo {
  code: number;
  name: string;
  meaning: string;
  /** False for codes that exist only as local status (1005, 1006, 1015) or are reserved (1004). */
  validOnWire: boolean;
}

/** The defined codes of the 1000–2999 range, as the IANA registry lists them. */
export const CLOSE_CODES: readonly CloseCodeInfo[] = [
  {
    code: 1000,
    name: 'Normal Closure',
    meaning: 'The purpose of the connection was fulfilled.',
    validOnWire: true,
  },
  {
    code: 1001,
    name: 'Going Away',
    meaning: 'The endpoint is going away (server shutdown, page navigated away).',
    validOnWire: true,
  },
  {
    code: 1002,
    name: 'Protocol Error',
    meaning: 'The endpoint is terminating the connection due to a protocol error.',
    validOnWire: true,
  },
  {
    code: 1003,
    name: 'Unsupported Data',
    meaning: 'The endpoint received a type of data it cannot accept.',
    validOnWire: true,
  },
  {
    code: 1004,
    name: 'Reserved',
    meaning: 'Reserved; its meaning might be defined in the future. Never sent.',
    validOnWire: false,
  },
  {
    code: 1005,
    name: 'No Status Received',
    meaning: 'The close frame carried no status code. Never sent in a close frame.',
    validOnWire: false,
  },
  {
    code: 1006,
    name: 'Abnormal Closure',
    meaning: 'The connection closed without a close frame. Never sent in a close frame.',
    validOnWire: false,
  },
  {
    code: 1007,
    name: 'Invalid Frame Payload Data',
    meaning: 'A message carried data inconsistent with its type (e.g. non-UTF-8 text).',
    validOnWire: true,
  },
  {
    code: 1008,
    name: 'Policy Violation',
    meaning: 'A message violated the endpoint\u2019s policy.',
    validOnWire: true,
  },
  {
    code: 1009,
    name: 'Message Too Big',
    meaning: 'A message was too big to process.',
    validOnWire: true,
  },
  {
    code: 1010,
    name: 'Mandatory Extension',
    meaning: 'The client expected the server to negotiate an extension it did not.',
    validOnWire: true,
  },
  {
    code: 1011,
    name: 'Internal Error',
    meaning: 'The server met an unexpected condition that kept it from fulfilling the request.',
    validOnWire: true,
  },
  { code: 1012, name: 'Service Restart', meaning: 'The service is restarting.', validOnWire: true },
  {
    code: 1013,
    name: 'Try Again Later',
    meaning: 'The service is overloaded or temporarily unavailable.',
    validOnWire: true,
  },
  {
    code: 1014,
    name: 'Bad Gateway',
    meaning: 'A gateway or proxy received an invalid response from the upstream server.',
    validOnWire: true,
  },
  {
    code: 1015,
    name: 'TLS Handshake',
    meaning: 'The TLS handshake failed. Never sent in a close frame.',
    validOnWire: false,
  },
];

const CLOSE_CODE_BY_NUMBER: ReadonlyMap<number, CloseCodeInfo> = new Map(
  CLOSE_CODES.map((info) => [info.code, info]),
);

export function closeCodeRange(code: number): CloseCodeRange {
  if (code < 1000) return 'unused';
  if (code < 3000) return 'protocol';
  if (code < 4000) return 'registered';
  if (code < 5000) return 'private';
  return 'out-of-range';
}

/**
 * Whether a peer may put `code` in a close frame (RFC 6455 §7.4): the defined codes that are not
 * local-only, and anything in 3000–4999. Unassigned codes of 1016–2999 are invalid on the wire.
 */
export function isValidCloseCodeOnWire(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return CLOSE_CODE_BY_NUMBER.get(code)?.validOnWire ?? false;
}

/** Name and meaning of any close code, for display. */
export function describeCloseCode(code: number): CloseCodeInfo {
  const known = CLOSE_CODE_BY_NUMBER.get(code);
  if (known) return known;
  const validOnWire = isValidCloseCodeOnWire(code);
  switch (closeCodeRange(code)) {
    case 'unused':
      return { code, name: 'Invalid', meaning: 'Codes below 1000 are never used.', validOnWire };
    case 'protocol':
      return {
        code,
        name: 'Unassigned',
        meaning: 'Unassigned in the protocol range (1000\u20132999); not valid on the wire.',
        validOnWire,
      };
    case 'registered':
      return {
        code,
        name: 'Registered',
        meaning: 'Registered with IANA by a library or framework (3000\u20133999).',
        validOnWire,
      };
    case 'private':
      return {
        code,
        name: 'Private',
        meaning: 'Application-defined (4000\u20134999).',
        validOnWire,
      };
    case 'out-of-range':
      return {
        code,
        name: 'Out of range',
        meaning: 'Above 4999: outside every range; not valid on the wire.',
        validOnWire,
      };
  }
}
