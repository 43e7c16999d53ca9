import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export const MIB = 2 ** 20;

/** Runs a full collection when the process was started with --expose-gc (the bench always is). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Samples this process's RSS on an interval (unref'd, so it never holds the process open) and keeps the
 * peak; `process.resourceUsage().maxRSS` gives the kernel's lifetime peak as a cross-check.
 */
export class RssSampler {
  private peak = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 25) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** Lifetime peak RSS of this process in bytes, as the kernel counted it. */
export function lifetimePeakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Event-loop delay while a measurement runs (perf_hooks.monitorEventLoopDelay, 1 ms resolution). */
export class EventLoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
  }

  /** Stops and returns p50 / p99 / max in ms. */
  stop(): { p50: number; p99: number; max: number } {
    this.histogram.disable();
    const ms = (ns: number) => ns / 1e6;
    return { p50: ms(this.histogram.percentile(50)), p99: ms(this.histogram.percentile(99)), max: ms(this.histogram.max) };
  }
}
