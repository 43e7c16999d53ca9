/**
 * One stretch of a regime cycle: over `days` weekdays the price path moves by `move` (a fraction,
 * −0.4 = −40 %), with annualised volatility `vol` around it. `mood` (−1..1) steers the tone of headlines and
 * the direction of fundamentals during the stretch, so that news, filings and prices tell one story.
 */
interface RegimeSegment {
  days: number;
  move: number;
  vol: number;
  mood: number;
  /** What the stretch is, e.g. "crash" (never shown to agents; for tests and readers of the code). */
  label: string;
}

/** A repeating cycle of segments, entered `offset` weekdays in at the anchor. */
export interface RegimeCycle {
  segments: readonly RegimeSegment[];
  offset: number;
}

/** The regime on one weekday: its segment, and the segment's daily log drift and daily volatility. */
export interface RegimePoint {
  segment: RegimeSegment;
  dailyDrift: number;
  dailyVol: number;
}

const TRADING_DAYS = 252;

/** The regime on the weekday with index `weekday` (see `weekdayIndexOfDay`); negative indexes work too. */
export function regimeAt(cycle: RegimeCycle, weekday: number): RegimePoint {
  const points = pointsOf(cycle);
  const length = points.length;
  return points[(((weekday + cycle.offset) % length) + length) % length]!;
}

// One precomputed point per weekday of the cycle: regimes are looked up for every session of every company.
const pointCache = new WeakMap<RegimeCycle, RegimePoint[]>();

function pointsOf(cycle: RegimeCycle): RegimePoint[] {
  let points = pointCache.get(cycle);
  if (!points) {
    points = cycle.segments.flatMap((segment) => {
      const point = { segment, dailyDrift: Math.log(1 + segment.move) / segment.days, dailyVol: segment.vol / Math.sqrt(TRADING_DAYS) };
      return Array.from({ length: segment.days }, () => point);
    });
    if (points.length === 0) throw new RangeError('regime cycle has no segments');
    pointCache.set(cycle, points);
  }
  return points;
}

/** The average mood over some weekdays, e.g. those of a fiscal quarter. */
export function averageMood(cycle: RegimeCycle, weekdays: readonly number[]): number {
  if (weekdays.length === 0) return 0;
  return weekdays.reduce((sum, w) => sum + regimeAt(cycle, w).segment.mood, 0) / weekdays.length;
}
