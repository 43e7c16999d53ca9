/** Waits `ms`, or rejects with the signal's reason the moment it aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * The real sleep: a timer, cleared when the signal aborts so a cancel ends the wait at once. Rejects at once
 * when the signal has already aborted; resolves at once when there is nothing to wait (`ms <= 0`).
 */
export const abortableSleep: Sleep = (ms, signal) => {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
};

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest server-requested wait we honour; a longer `retry-after` is clamped to it. */
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry).
 * - The server named a delay (`retry-after-ms` / `retry-after`): wait that long (clamped to
 *   `maxRetryAfterMs`) plus up to 10 % jitter, so calls told the same instant do not return together.
 * - Otherwise exponential backoff with "equal jitter": half of `base · 2^(retry−1)` (capped at
 *   `maxDelayMs`) fixed, the other half random.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(retry: number, retryAfterMs: number | null, policy: BackoffPolicy, random: () => number): number {
  if (retryAfterMs !== null) {
    const asked = Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
    return Math.round(asked + asked * 0.1 * random());
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
