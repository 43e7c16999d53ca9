import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/api/backoff.js';

describe('backoffDelay', () => {
  const opts = { initialMs: 500, maxMs: 4000, factor: 2, jitter: 0.5 };

  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 9].map((a) => backoffDelay(a, opts, () => 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('takes off at most the jitter share', () => {
    expect(backoffDelay(1, opts, () => 1)).toBe(500);
    expect(backoffDelay(1, opts, () => 0.5)).toBe(750);
  });
});
