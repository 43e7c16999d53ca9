import { addDays, utcMsToDate } from '../dates.js';

/** Default time-to-live of answers that touch recent days: 12 hours. */
export const DEFAULT_CACHE_TTL_MS = 12 * 3_600_000;

// Days a session needs to be final everywhere (time zones, late corrections) before we call it closed.
const SETTLE_DAYS = 2;

/**
 * Whether a cached answer can serve a request whose range ends on `rangeEnd`: forever when that range
 * was already closed when the answer was fetched (nothing in it can change any more), else only within
 * `ttlMs` of the fetch. `rangeEnd` null = the answer has no range (a company profile): TTL only.
 */
export function isFresh(fetchedAt: number, rangeEnd: string | null, now: number, ttlMs: number): boolean {
  if (rangeEnd !== null && rangeEnd <= addDays(utcMsToDate(fetchedAt), -SETTLE_DAYS)) return true;
  return now - fetchedAt < ttlMs;
}
