import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataUnavailableError, ValidationError } from '@tradingfloor/shared';
import { createCsvVendor } from '../../src/data/csv/csv-vendor.js';
import { createDemoVendor } from '../../src/data/demo/demo-vendor.js';
import { createRoutingVendor } from '../../src/data/routing-vendor.js';
import { assertTradeDateCovered, instrumentDateRange } from '../../src/data/trade-date-coverage.js';
import { makeDataDir, ohlcvCsv } from './support/temp-data-dir.js';

const today = new Date(2026, 10, 27, 12); // local Friday 2026-11-27
const demo = createDemoVendor({ now: () => today });
const vendor = createRoutingVendor([demo]);
const check = (ticker: string, date: string) => assertTradeDateCovered(vendor, ticker, date, { now: today });

describe('assertTradeDateCovered on the demo market', () => {
  it('accepts a date inside the data and returns the instrument range', async () => {
    await expect(check('ACME', '2024-06-28')).resolves.toEqual({ ticker: 'ACME', first_date: '2021-01-04', last_date: '2026-11-27' });
    await expect(check('ACME', '2026-11-27')).resolves.toMatchObject({ last_date: '2026-11-27' });
  });

  it('explains each way a date can be outside the data', async () => {
    await expect(check('ACME', '2019-01-01')).rejects.toThrow(
      new DataUnavailableError("2019-01-01 is before the first date of ACME's data (2021-01-04)"),
    );
    await expect(check('ACME', '2030-01-01')).rejects.toThrow(
      new DataUnavailableError('2030-01-01 is in the future (today is 2026-11-27)'),
    );
    await expect(check('ZZZZ', '2024-01-02')).rejects.toThrow(/^no price data for ZZZZ/);
    await expect(check('ZZZZ', '2024-01-02')).rejects.toBeInstanceOf(DataUnavailableError);
  });

  it('refuses a date that does not exist with ValidationError', async () => {
    await expect(check('ACME', '2024-02-30')).rejects.toBeInstanceOf(ValidationError);
    await expect(check('ACME', '28/03/2024')).rejects.toThrow(/is not a real YYYY-MM-DD date/);
  });
});

describe('assertTradeDateCovered at the end of a data file', () => {
  let cleanup = async () => {};
  let csv = createRoutingVendor([demo]);
  beforeAll(async () => {
    const made = await makeDataDir({
      'ohlcv/REAL.csv': ohlcvCsv([
        ['2025-11-06', 10],
        ['2025-11-07', 11],
      ]),
    }); // ends on a Friday
    cleanup = made.cleanup;
    csv = createRoutingVendor([createCsvVendor({ dir: made.dir }), demo]);
  });
  afterAll(() => cleanup());

  it('accepts the weekend right after the last bar but not the next weekday', async () => {
    await expect(assertTradeDateCovered(csv, 'REAL', '2025-11-09', { now: today })).resolves.toMatchObject({ last_date: '2025-11-07' });
    await expect(assertTradeDateCovered(csv, 'REAL', '2025-11-10', { now: today })).rejects.toThrow(
      new DataUnavailableError("2025-11-10 is after the last date of REAL's data (2025-11-07)"),
    );
  });

  it('reports the range of one instrument, not of the whole vendor', async () => {
    expect(await instrumentDateRange(csv, 'real')).toEqual({ ticker: 'REAL', first_date: '2025-11-06', last_date: '2025-11-07' });
    expect((await csv.coverage()).last_date).toBe('2026-11-27');
  });
});
