import { describe, expect, it, vi } from 'vitest';
import { abortableSleep, backoffDelay } from '../../src/retry/backoff.js';

const POLICY = { baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

describe('backoffDelay', () => {
  it('doubles per retry with equal jitter, capped at maxDelayMs', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, null, POLICY, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, null, POLICY, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(10, null, POLICY, () => 0)).toBe(10_000);
    expect(backoffDelay(10, null, POLICY, () => 0.999999)).toBe(20_000);
  });

  it('honours the server-requested delay with up to 10 % jitter, clamped to maxRetryAfterMs', () => {
    expect(backoffDelay(1, 2000, POLICY, () => 0)).toBe(2000);
    expect(backoffDelay(3, 2000, POLICY, () => 0.5)).toBe(2100);
    expect(backoffDelay(1, 3_600_000, POLICY, () => 0)).toBe(60_000);
    expect(backoffDelay(1, 0, POLICY, () => 0.5)).toBe(0);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const sleep = abortableSleep(1000, new AbortController().signal).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await sleep;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects with the abort reason the moment the signal aborts, and at once if it already has', async () => {
    const controller = new AbortController();
    const sleep = abortableSleep(3_600_000, controller.signal);
    const reason = new Error('canceled');
    controller.abort(reason);
    await expect(sleep).rejects.toBe(reason);
    await expect(abortableSleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
