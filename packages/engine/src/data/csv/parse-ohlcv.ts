import { DataUnavailableError } from '@tradingfloor/shared';
import { isIsoDate } from '../dates.js';
import type { Bar } from '../vendor.js';

const COLUMNS = ['date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'] as const;

/**
 * Parses an `ohlcv/<TICKER>.csv` file: a `date,open,high,low,close,adj_close,volume` header (columns may
 * come in any order; extra columns are ignored), then one row per session with ISO dates strictly
 * ascending. A bad file fails with `DataUnavailableError` naming the file and line, so a user can fix it.
 */
export function parseOhlcvCsv(text: string, file: string): Bar[] {
  const lines = text.split(/\r?\n/);
  const fail = (line: number, why: string) => new DataUnavailableError(`${file} line ${line}: ${why}`);
  const header = (lines[0] ?? '')
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((c) => index[c] < 0);
  if (missing.length > 0) throw fail(1, `header lacks column(s) ${missing.join(', ')} (expected ${COLUMNS.join(',')})`);

  const bars: Bar[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const cells = raw.split(',');
    const cell = (c: (typeof COLUMNS)[number]) => (cells[index[c]] ?? '').trim();
    const date = cell('date');
    if (!isIsoDate(date)) throw fail(lineNo, `date ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
    const previous = bars.at(-1);
    if (previous && date <= previous.date)
      throw fail(lineNo, `date ${date} does not come after ${previous.date} (rows must be ascending, no duplicates)`);
    const num = (c: (typeof COLUMNS)[number]) => {
      const text = cell(c);
      const value = text === '' ? NaN : Number(text);
      if (!Number.isFinite(value) || value < 0) throw fail(lineNo, `${c} ${JSON.stringify(text)} is not a non-negative number`);
      return value;
    };
    const bar: Bar = {
      date,
      open: num('open'),
      high: num('high'),
      low: num('low'),
      close: num('close'),
      adj_close: num('adj_close'),
      volume: num('volume'),
    };
    if (bar.low > bar.high) throw fail(lineNo, `low ${bar.low} is above high ${bar.high}`);
    bars.push(bar);
  }
  if (bars.length === 0) throw new DataUnavailableError(`${file} has no data rows`);
  return bars;
}
