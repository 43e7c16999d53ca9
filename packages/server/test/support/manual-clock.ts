import type { SchedulerClock } from '../../src/schedules/scheduler-clock.js';

interface Timer {
  at: number;
  fn: () => void;
}

/**
 * A `SchedulerClock` that moves only when a test moves it: `advanceTo` walks the time forward and runs each
 * timer at exactly its due time, in order, so a test says when a fire happens instead of sleeping.
 */
export class ManualClock implements SchedulerClock {
  private readonly timers = new Set<Timer>();

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.time + Math.max(0, ms), fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Due times of the armed timers, earliest first. */
  pending(): number[] {
    return [...this.timers].map((t) => t.at).sort((a, b) => a - b);
  }

  /** Moves the time to `to`, running every timer due on the way with the time set to its due time. */
  advanceTo(to: number): void {
    for (;;) {
      const due = [...this.timers].filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due);
      this.time = due.at;
      due.fn();
    }
    this.time = Math.max(this.time, to);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.time + ms);
  }
}
