import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../src/limiter/adaptive-limit.js';

describe('AdaptiveLimit', () => {
  it('halves on a 429 down to a floor of 1', () => {
    const a = new AdaptiveLimit(5, 3);
    expect(a.rateLimited(a.generation, 5)).toBe(true);
    expect(a.effective).toBe(2);
    expect(a.rateLimited(a.generation, 2)).toBe(true);
    expect(a.effective).toBe(1);
    expect(a.rateLimited(a.generation, 1)).toBe(true);
    expect(a.effective).toBe(1);
  });

  it('ignores a 429 from a call admitted before the last lowering', () => {
    const a = new AdaptiveLimit(8, 3);
    const admitted = a.generation;
    a.rateLimited(admitted, 8);
    expect(a.rateLimited(admitted, 8)).toBe(false);
    expect(a.effective).toBe(4);
  });

  it('needs N consecutive successes per step; a 429 resets the streak', () => {
    const a = new AdaptiveLimit(4, 2);
    a.rateLimited(a.generation, 4);
    expect(a.succeeded()).toBe(false);
    a.rateLimited(-1, 4); // a stale 429: does not lower, but breaks the streak
    expect(a.effective).toBe(2);
    expect(a.succeeded()).toBe(false);
    expect(a.succeeded()).toBe(true);
    expect(a.effective).toBe(3);
    a.succeeded();
    a.succeeded();
    expect(a.effective).toBe(4);
    expect(a.succeeded()).toBe(false); // not lowered any more: nothing to recover
  });

  it('does nothing on success while never lowered', () => {
    const a = new AdaptiveLimit(null, 1);
    expect(a.succeeded()).toBe(false);
    expect(a.effective).toBeNull();
  });
});
