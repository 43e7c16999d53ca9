import { describe, expect, it } from 'vitest';
import type { Sleep } from '../../src/retry/backoff.js';
import { withRetries, type RetryOptions } from '../../src/retry/with-retries.js';

class Flaky extends Error {
  constructor(
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(retryable ? 'try again' : 'give up');
  }
}

/** A sleep that records each wait and returns at once (no timers). */
function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

function options(overrides: Partial<RetryOptions<Flaky>> = {}): RetryOptions<Flaky> {
  return {
    maxAttempts: 3,
    policy: { baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 },
    signal: new AbortController().signal,
    random: () => 0,
    retryable: (error) => (error instanceof Flaky && error.retryable ? { error, retryAfterMs: error.retryAfterMs } : null),
    ...overrides,
  };
}

describe('withRetries', () => {
  it('retries retryable failures with exponential backoff and returns the first success', async () => {
    const { sleep, waits } = recordingSleep();
    const seen: number[] = [];
    const result = await withRetries(async (n) => {
      seen.push(n);
      if (n < 3) throw new Flaky(true);
      return `ok on ${n}`;
    }, options({ sleep }));
    expect(result).toBe('ok on 3');
    expect(seen).toEqual([1, 2, 3]);
    // Equal jitter with random 0: half of base·2^(n−1).
    expect(waits).toEqual([50, 100]);
  });

  it('throws the exhausted error after the last attempt, telling onRetry before each wait', async () => {
    const { sleep, waits } = recordingSleep();
    const retries: Array<[number, number]> = [];
    const failing = withRetries(() => Promise.reject(new Flaky(true)), {
      ...options({ sleep }),
      exhausted: (error, attempts) => new Error(`${error.message} (gave up after ${attempts} attempts)`),
      onRetry: (_error, attempt, delay) => retries.push([attempt, delay]),
    });
    await expect(failing).rejects.toThrow('try again (gave up after 3 attempts)');
    expect(retries).toEqual([
      [1, 50],
      [2, 100],
    ]);
    expect(waits).toEqual([50, 100]);
  });

  it('rethrows the failure itself when no exhausted error is given', async () => {
    const { sleep } = recordingSleep();
    const last = new Flaky(true);
    await expect(withRetries(() => Promise.reject(last), options({ sleep, maxAttempts: 2 }))).rejects.toBe(last);
  });

  it('throws a failure that is not retryable at once', async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    const fatal = new Flaky(false);
    await expect(
      withRetries(() => {
        calls += 1;
        return Promise.reject(fatal);
      }, options({ sleep })),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("waits what the server asked, clamped to maxRetryAfterMs", async () => {
    const { sleep, waits } = recordingSleep();
    const asked = [1_200, 60_000];
    await withRetries(async (n) => {
      if (n <= asked.length) throw new Flaky(true, asked[n - 1]!);
      return n;
    }, options({ sleep }));
    expect(waits).toEqual([1_200, 5_000]);
  });

  it('never retries once the signal aborted: the abort reason is thrown', async () => {
    const controller = new AbortController();
    const { sleep, waits } = recordingSleep();
    const reason = new Error('canceled');
    const failing = withRetries(() => {
      controller.abort(reason);
      return Promise.reject(new Flaky(true));
    }, options({ sleep, signal: controller.signal }));
    await expect(failing).rejects.toBe(reason);
    expect(waits).toEqual([]);
  });
});
