import { describe, expect, it } from 'vitest';
import { formatRunId, formatRunTimestamp, parseRunId, RunIdSchema } from '../src/index.js';

describe('run_id', () => {
  const started = new Date(Date.UTC(2025, 8, 22, 10, 0, 5));

  it('formats <TICKER>--<YYYY-MM-DD_HH.MM.SS>--<6 hex> in UTC', () => {
    expect(formatRunTimestamp(started)).toBe('2025-09-22_10.00.05');
    expect(formatRunId('BRK.B', started, 'a1b2c3')).toBe('BRK.B--2025-09-22_10.00.05--a1b2c3');
  });

  it('round-trips through the parser', () => {
    const parsed = parseRunId(formatRunId('AAPL', started, '00ff99'));
    expect(parsed).toEqual({ ok: true, value: { ticker: 'AAPL', timestamp: '2025-09-22_10.00.05', short: '00ff99', started } });
  });

  it.each([
    ['AAPL--2025-09-22_10.00.05', 'three parts'],
    ['aapl--2025-09-22_10.00.05--a1b2c3', 'upper-case'],
    ['AAPL--2025-09-22 10:00:05--a1b2c3', 'YYYY-MM-DD_HH.MM.SS'],
    ['AAPL--2025-02-30_10.00.05--a1b2c3', 'not a real date'],
    ['AAPL--2025-09-22_10.00.05--A1B2C3', '6 lower-case hex'],
    ['../../etc--2025-09-22_10.00.05--a1b2c3', 'bad ticker'],
  ])('refuses %s', (id, why) => {
    const parsed = parseRunId(id);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(why);
    expect(RunIdSchema.safeParse(id).success).toBe(false);
  });

  it('refuses a short part that is not hex when formatting', () => {
    expect(() => formatRunId('AAPL', started, 'xyz123')).toThrow(/6 hex/);
  });
});
