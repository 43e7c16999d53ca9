import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createThrottledRefresh, type ThrottledRefresh } from '../src/lib/throttled-refresh.js';

let starts: number[];
let throttle: ThrottledRefresh;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  starts = [];
  // Like the runs store's load: every start, however it was asked for, reports itself.
  throttle = createThrottledRefresh(() => startReload(), { minIntervalMs: 1_000 });
});
afterEach(() => {
  throttle.dispose();
  vi.useRealTimers();
});

function startReload(): void {
  starts.push(Date.now());
  throttle.started();
}

describe('throttled refresh', () => {
  it('reloads at once after a quiet interval, and once more at the end of the interval for a burst', () => {
    throttle.request();
    expect(starts).toEqual([0]);
    // 300 runs finishing within the next 100 ms: one reload for all of them, 1 s after the last start.
    for (let i = 0; i < 300; i++) {
      vi.advanceTimersByTime(i % 3 === 0 ? 1 : 0);
      throttle.request();
    }
    expect(starts).toEqual([0]);
    vi.advanceTimersByTime(999 - Date.now());
    expect(starts).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(starts).toEqual([0, 1_000]);
    vi.advanceTimersByTime(10_000);
    expect(starts).toEqual([0, 1_000]);
  });

  it('reloads at once for asks spaced further apart than the interval', () => {
    for (const at of [0, 1_000, 2_500, 4_000]) {
      vi.advanceTimersByTime(at - Date.now());
      throttle.request();
    }
    expect(starts).toEqual([0, 1_000, 2_500, 4_000]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts a reload started by other means as answering the asks made before it', () => {
    throttle.request();
    vi.advanceTimersByTime(200);
    throttle.request(); // too soon: waits for t = 1000
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(300);
    startReload(); // e.g. the user started a batch, which reloads the list
    expect(vi.getTimerCount()).toBe(0);
    // The interval counts from that start too: an ask at t = 900 waits for t = 1500.
    vi.advanceTimersByTime(400);
    throttle.request();
    expect(starts).toEqual([0, 500]);
    vi.advanceTimersByTime(599);
    expect(starts).toEqual([0, 500]);
    vi.advanceTimersByTime(1);
    expect(starts).toEqual([0, 500, 1_500]);
  });
});
