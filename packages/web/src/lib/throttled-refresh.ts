/** The clock and timers a throttled refresh uses; tests pass fake ones (or install fake timers). */
export interface RefreshTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const GLOBAL_TIMERS: RefreshTimers = {
  // Looked up at each call, so fake timers installed after creation still apply.
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A reload that event handlers ask for, started no more often than once per interval. */
export interface ThrottledRefresh {
  /** Asks for a reload: at once when none started within the interval, else one timer for all asks meanwhile. */
  request(): void;
  /** The reload calls this when it starts (whoever started it): that start answers every ask made before it. */
  started(): void;
  /** Drops a pending timer (the store is going away). */
  dispose(): void;
}

/**
 * Throttles a reload asked for by a stream of events (issue 17: hundreds of runs finishing each asked for a
 * whole `GET /runs`). The first ask after a quiet interval reloads at once; asks within `minIntervalMs` of the
 * last start share one reload at the end of the interval; a reload started meanwhile by other means answers
 * them and drops the timer. `reload` itself keeps at most one request in flight and one queued.
 */
export function createThrottledRefresh(
  reload: () => void,
  options: { minIntervalMs: number; timers?: RefreshTimers },
): ThrottledRefresh {
  const timers = options.timers ?? GLOBAL_TIMERS;
  let lastStart = -Infinity;
  let timer: unknown = null;

  const clear = () => {
    if (timer === null) return;
    timers.clearTimeout(timer);
    timer = null;
  };

  return {
    request() {
      if (timer !== null) return;
      const wait = lastStart + options.minIntervalMs - timers.now();
      if (wait <= 0) {
        reload();
        return;
      }
      timer = timers.setTimeout(() => {
        timer = null;
        reload();
      }, wait);
    },
    started() {
      lastStart = timers.now();
      clear();
    },
    dispose: clear,
  };
}
