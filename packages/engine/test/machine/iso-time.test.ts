import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/logs/iso-time.js';

describe('isoTime', () => {
  it('writes what Date writes, across seconds, millisecond widths and back in time', () => {
    const base = Date.UTC(2026, 11, 7, 11, 59, 59);
    // Forward within a second and across it, then back to an earlier second: the kept prefix must follow.
    const times = [base, base + 7, base + 42, base + 999, base + 1000, base + 1001, base - 1, 0, -1, -1001, 253402300799999, 253402300800000];
    for (const ts of times) expect(isoTime(ts), String(ts)).toBe(new Date(ts).toISOString());
  });

  it('gives a fraction of a millisecond and a value Date refuses to Date itself', () => {
    expect(isoTime(1.75)).toBe(new Date(1.75).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
    expect(() => isoTime(-8.64e15 - 1)).toThrow(RangeError);
    expect(isoTime(8.64e15)).toBe(new Date(8.64e15).toISOString());
  });
});
