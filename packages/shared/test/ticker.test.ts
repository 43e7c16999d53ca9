import { describe, expect, it } from 'vitest';
import { checkTicker, parseTickerList } from '../src/index.js';

describe('checkTicker', () => {
  it.each(['AAPL', 'brk.b', ' msft ', 'RDS-A', 'X', '7203.T'.replace('.T', 'A')])('accepts %s', (t) => {
    expect(checkTicker(t).ok).toBe(true);
  });
  it('normalises to upper case', () => {
    expect(checkTicker(' brk.b ')).toEqual({ ok: true, ticker: 'BRK.B' });
  });
  it.each([
    ['', 'empty'],
    ['AA PL', 'contains " "'],
    ['A.B.C', 'more than one'],
    ['../etc', 'contains "/"'],
    ['.B', 'must start'],
    ['1234', 'no letter'],
    ['ABCDEFGHIJK', 'longer than 10'],
    ['BRK.', 'suffix is missing'],
    ['BRK.ABCDE', 'suffix longer'],
  ])('refuses %j saying why', (t, why) => {
    const r = checkTicker(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });
});

describe('parseTickerList', () => {
  it('splits on commas and spaces, merges duplicates and collects every error', () => {
    expect(parseTickerList('aapl, MSFT  nvda,aapl,,bad!')).toEqual({
      tickers: ['AAPL', 'MSFT', 'NVDA'],
      errors: [{ input: 'bad!', reason: expect.stringContaining('"!"') }],
    });
  });
});
