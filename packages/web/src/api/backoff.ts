/** How long a socket waits before each reconnect attempt. */
export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  initialMs: number;
  /** Longest delay, ms. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** Share of the delay that is randomised away (0..1), so many tabs do not reconnect in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based): exponential, capped, minus up to `jitter` of itself. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const raw = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(raw * (1 - options.jitter * random()));
}
