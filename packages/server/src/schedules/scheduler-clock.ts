/**
 * What the scheduler reads the time from and arms its timers with. The server uses the system clock;
 * tests inject a clock they move by hand, so a fire happens exactly when the test says, with no sleeps.
 */
export interface SchedulerClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** setTimeout's largest delay (about 24.8 days); a longer wait is re-armed when it ends. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real clock: `Date.now` and an unref'd `setTimeout` (a pending fire never keeps the process alive). */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
