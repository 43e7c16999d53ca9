import { dayNumberWeekday, fromDayNumber, toDayNumber } from '../dates.js';

/**
 * The first session of the demo market. Everything is generated forward from here, so the bar of any given
 * date never changes when the market's end date (today) moves on.
 */
export const DEMO_ANCHOR = '2021-01-04';
const ANCHOR_DAY = toDayNumber(DEMO_ANCHOR);

/** Fixed-date holidays on which the demo exchange is closed (month-day). */
const HOLIDAYS = new Set(['01-01', '07-04', '12-25']);

/** One trading day: its date, its day number and its weekday index (the regime clock). */
export interface DemoSession {
  date: string;
  day: number;
  weekday: number;
}

function isWeekendDay(day: number): boolean {
  const dow = dayNumberWeekday(day);
  return dow === 0 || dow === 6;
}

/** True when the demo exchange trades on `date`. */
export function isDemoSession(date: string): boolean {
  return !isWeekendDay(toDayNumber(date)) && !HOLIDAYS.has(date.slice(5));
}

/** Every session from the anchor through `end` (inclusive), ascending. Empty when `end` is before the anchor. */
export function demoSessions(end: string): DemoSession[] {
  const sessions: DemoSession[] = [];
  const last = toDayNumber(end);
  for (let day = ANCHOR_DAY; day <= last; day++) {
    if (isWeekendDay(day)) continue;
    const date = fromDayNumber(day);
    if (!HOLIDAYS.has(date.slice(5))) sessions.push({ date, day, weekday: weekdayIndexOfDay(day) });
  }
  return sessions;
}

/** The first session on or after `date`. */
export function nextDemoSession(date: string): string {
  let day = toDayNumber(date);
  while (!isDemoSession(fromDayNumber(day))) day++;
  return fromDayNumber(day);
}

/**
 * Weekdays from the anchor to a day number (negative before it). Regimes run on this clock rather than on
 * sessions so that quarters before the first bar (early fundamentals) have a regime too.
 */
export function weekdayIndexOfDay(day: number): number {
  const days = day - ANCHOR_DAY;
  const weeks = Math.floor(days / 7);
  // The anchor is a Monday: the remainder 0..6 counts Mon..Sun; a weekend day shares the next Monday's index.
  return weeks * 5 + Math.min(days - weeks * 7, 5);
}

/** The weekday indexes of every weekday in `[from, to]` (inclusive). */
export function weekdayIndexesBetween(from: string, to: string): number[] {
  const out: number[] = [];
  for (let day = toDayNumber(from), last = toDayNumber(to); day <= last; day++) {
    if (!isWeekendDay(day)) out.push(weekdayIndexOfDay(day));
  }
  return out;
}
