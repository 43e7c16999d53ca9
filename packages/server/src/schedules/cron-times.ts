import { ValidationError, type FireTime } from '@tradingfloor/shared';
import { Cron } from 'croner';

const FIELDS = 'five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5", or @hourly / @daily / @weekly / @monthly';

/** A checked cron expression in a time zone: when it fires after a given instant, and before one. */
export interface CronTimes {
  readonly cron: string;
  readonly timezone: string;
  /** The first fire strictly after `afterMs` (epoch ms), or null when there is none. */
  next(afterMs: number): number | null;
  /** The last fire strictly before `beforeMs`, or null when there is none. */
  previous(beforeMs: number): number | null;
  /** The next `count` fires strictly after `afterMs`. */
  upcoming(afterMs: number, count: number): number[];
}

/** Throws `ValidationError` unless `timezone` is an IANA zone name this runtime knows (or `UTC`). */
function checkTimezone(timezone: string): string {
  try {
    // The runtime's own zone database decides; it also canonicalises the case ("europe/paris" → "Europe/Paris").
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(`unknown time zone "${timezone}": give an IANA name such as "America/New_York", "Europe/Paris" or "UTC"`);
  }
}

/**
 * Parses a 5-field cron expression (minute precision; a seconds field would start a batch every second)
 * read in `timezone`, with croner. Throws `ValidationError` naming what is wrong.
 */
export function parseCron(cron: string, timezone: string): CronTimes {
  const zone = checkTimezone(timezone);
  const expression = cron.trim().replace(/\s+/g, ' ');
  let job: Cron;
  try {
    // Paused and without a callback, croner only computes times: the scheduler owns the timers (and the clock).
    job = new Cron(expression, { timezone: zone, paused: true, mode: '5-part' });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^CronPattern:\s*/, '');
    throw new ValidationError(`invalid cron expression "${expression}": ${reason} (${FIELDS})`);
  }
  const next = (afterMs: number) => job.nextRun(new Date(afterMs))?.getTime() ?? null;
  return {
    cron: expression,
    timezone: zone,
    next,
    previous: (beforeMs) => job.previousRuns(1, new Date(beforeMs))[0]?.getTime() ?? null,
    upcoming(afterMs, count) {
      const times: number[] = [];
      let from = afterMs;
      while (times.length < count) {
        const t = next(from);
        if (t === null) break;
        times.push(t);
        from = t;
      }
      return times;
    },
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `epochMs` as a fire time: UTC ISO, ISO with the zone's offset, and a readable label in that zone. */
export function fireTime(epochMs: number, timezone: string): FireTime {
  const date = new Date(epochMs);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMin = Math.round((wall - (epochMs - date.getUTCMilliseconds())) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
  const label = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  // The zone's name rather than an abbreviation, which many zones lack ("GMT-5").
  return { at: date.toISOString(), local, label: `${label} (${timezone})` };
}
