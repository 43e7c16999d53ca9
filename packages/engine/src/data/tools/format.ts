import { addDays } from '../dates.js';

/** Rounds to `digits` decimals (4 by default) for compact tool output; null and non-finite stay null. */
export function round(value: number | null | undefined, digits = 4): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The first date of a window of `days` calendar days ending on `asOf` (inclusive), e.g. 1 → asOf itself. */
export function windowStart(asOf: string, days: number): string {
  return addDays(asOf, -(days - 1));
}
