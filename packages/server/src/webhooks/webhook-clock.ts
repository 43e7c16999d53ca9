/** A handle from `WebhookClock.setTimeout`. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * Time as the webhook dispatcher sees it: the backoff, the per-attempt timeout and the timestamps all go
 * through it, so tests drive them with a manual clock instead of waiting.
 */
export interface WebhookClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
}

/** The real clock. Timers are unref'd: a pending retry never keeps the process alive by itself. */
export const systemClock: WebhookClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * The wait before attempt `attempt + 1` after `attempt` failed tries: "full jitter" — a random time between 0
 * and the exponential ceiling `min(maxMs, baseMs · 2^(attempt − 1))` — so many receivers recovering at once
 * are not hit by synchronised retries.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
