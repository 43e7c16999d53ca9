import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkTicker, formatRunTimestamp, ValidationError } from '@tradingfloor/shared';

/** How many `_n` suffixes to try before giving up (runs of one ticker started within one second). */
const MAX_SUFFIX = 1000;

/** Throws `ValidationError` unless `ticker` is a validated, already-normalised ticker (it becomes a path segment). */
export function checkTickerSegment(ticker: string): void {
  const check = checkTicker(ticker);
  if (!check.ok || check.ticker !== ticker) throw new ValidationError(`not a valid ticker for a results path: "${ticker}"`);
}

/** The directory name of suffix `n` in second `stamp`: `stamp` itself, then `stamp_2`, `stamp_3`, … */
export function runDirectoryName(stamp: string, n: number): string {
  return n === 1 ? stamp : `${stamp}_${n}`;
}

/**
 * Creates a run's results directory `<resultsDir>/<TICKER>/<YYYY-MM-DD_HH.MM.SS>` (UTC) and returns its path.
 * When the name is taken (same ticker, same second) it tries `…_2`, `…_3`, … (from `…_<firstSuffix>` when the
 * caller knows the lower ones are taken); the final mkdir is not recursive, so it fails on EEXIST and two
 * concurrent creations never end up sharing a directory.
 */
export async function createRunDirectory(resultsDir: string, ticker: string, started: Date, firstSuffix = 1): Promise<string> {
  checkTickerSegment(ticker);
  const tickerDir = join(resultsDir, ticker);
  await mkdir(tickerDir, { recursive: true });
  const stamp = formatRunTimestamp(started);
  for (let n = firstSuffix; n <= MAX_SUFFIX; n++) {
    const dir = join(tickerDir, runDirectoryName(stamp, n));
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`could not create a results directory for ${ticker} at ${stamp}: ${MAX_SUFFIX} already exist`);
}
