import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  closeCodeRange,
  describeCloseCode,
  isControlOpcode,
  isReservedOpcode,
  isValidCloseCodeOnWire,
  opcodeName,
} from '../../../../shared/model/ws-tables.ts';

describe('ws tables (shared/model/ws-tables.ts)', () => {
  it('names every opcode', () => {
    expect([0, 1, 2, 8, 9, 10].map(opcodeName)).toEqual([
      'continuation',
      'text',
      'binary',
      'close',
      'ping',
      'pong',
    ]);
    expect(opcodeName(3)).toBe('reserved (0x3)');
    expect(opcodeName(15)).toBe('reserved (0xF)');
    expect([3, 7, 11, 15].every(isReservedOpcode)).toBe(true);
    expect([0, 1, 2, 8, 9, 10].some(isReservedOpcode)).toBe(false);
    expect([8, 9, 10, 11].every(isControlOpcode)).toBe(true);
    expect(isControlOpcode(2)).toBe(false);
  });

  it('validates close codes as RFC 6455 §7.4 and the IANA registry say', () => {
    const valid = [
      1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
      4999,
    ];
    const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
    expect(valid.filter((c) => !isValidCloseCodeOnWire(c))).toEqual([]);
    expect(invalid.filter((c) => isValidCloseCodeOnWire(c))).toEqual([]);
    expect(CLOSE_CODES.map((c) => c.code)).toEqual(Array.from({ length: 16 }, (_, i) => 1000 + i));
  });

  it('describes any code for display', () => {
    expect(describeCloseCode(1001)).toMatchObject({ name: 'Going Away', validOnWire: true });
    expect(describeCloseCode(1005)).toMatchObject({
      name: 'No Status Received',
      validOnWire: false,
    });
    expect(describeCloseCode(2500)).toMatchObject({ name: 'Unassigned', validOnWire: false });
    expect(describeCloseCode(3500)).toMatchObject({ name: 'Registered', validOnWire: true });
    expect(describeCloseCode(4123)).toMatchObject({ name: 'Private', validOnWire: true });
    expect(describeCloseCode(12)).toMatchObject({ name: 'Invalid', validOnWire: false });
    expect(closeCodeRange(5000)).toBe('out-of-range');
  });
});
