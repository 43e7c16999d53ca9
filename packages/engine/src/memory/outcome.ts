import type { Bar, MarketDataVendor } from '../data/vendor.js';

/** The benchmark lessons are measured against, when the data has it. */
const BENCHMARK_TICKER = 'SPY';

/** How a decision turned out `horizon` trading days later. */
export interface Outcome {
  outcome_date: string;
  entry_close: number;
  outcome_close: number;
  realised_return: number;
  benchmark_return: number | null;
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** Index of the last bar dated on or before `date`, or -1. */
function lastOnOrBefore(bars: readonly Bar[], date: string): number {
  let found = -1;
  for (let i = 0; i < bars.length && bars[i]!.date <= date; i++) found = i;
  return found;
}

/**
 * The outcome of a decision taken at the close of `decisionDate`: the close `horizon` trading days later (the
 * instrument's own calendar). Reads bars only up to `asOf` (the asking run's trade date), so a run never
 * learns an outcome after its own date; returns null while the horizon has not passed by `asOf`.
 */
export async function measureOutcome(
  vendor: MarketDataVendor,
  ticker: string,
  decisionDate: string,
  horizon: number,
  asOf: string,
  signal: AbortSignal,
): Promise<Outcome | null> {
  const bars = await vendor.bars(ticker, { from: daysBefore(decisionDate, 14), asOf }, signal);
  const entry = lastOnOrBefore(bars, decisionDate);
  const exit = entry + horizon;
  if (entry < 0 || exit >= bars.length) return null;
  const entryBar = bars[entry]!;
  const exitBar = bars[exit]!;
  return {
    outcome_date: exitBar.date,
    entry_close: entryBar.close,
    outcome_close: exitBar.close,
    realised_return: exitBar.close / entryBar.close - 1,
    benchmark_return: await benchmarkReturn(vendor, entryBar.date, exitBar.date, signal),
  };
}

/** SPY's close-to-close return between two dates, or null when the data has no SPY bar on both. */
async function benchmarkReturn(vendor: MarketDataVendor, from: string, to: string, signal: AbortSignal): Promise<number | null> {
  try {
    const bars = await vendor.bars(BENCHMARK_TICKER, { from, asOf: to }, signal);
    const start = bars.find((b) => b.date === from);
    const end = bars.find((b) => b.date === to);
    return start && end ? end.close / start.close - 1 : null;
  } catch (error) {
    if (signal.aborted) throw error;
    return null;
  }
}
