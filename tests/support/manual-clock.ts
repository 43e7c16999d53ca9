import { deferred } from '@tradingfloor/shared';
import type { ClockTimer, WebhookClock } from '../../packages/server/src/webhooks/webhook-clock.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock a test moves by hand, for the webhook dispatcher's backoff and attempt timeouts. A timer that is
 * already due (0 ms or less) runs on the next turn of the event loop, as a real one would; any other waits
 * for `runNext()` or `advance()`. It starts at the real time, so signatures' timestamps stay believable.
 */
export class ManualClock implements WebhookClock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<Timer>();
  private readonly watchers = new Set<{ count: number; resolve: () => void }>();

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    if (ms <= 0) {
      let canceled = false;
      setImmediate(() => {
        if (!canceled) callback();
      });
      return { cancel: () => (canceled = true) };
    }
    const timer: Timer = { at: this.time + ms, seq: this.seq++, callback };
    this.timers.add(timer);
    this.notify();
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Timers waiting for time to pass. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the earliest waiting timer is due, in ms from now; null when none waits. */
  nextDueIn(): number | null {
    const next = this.earliest();
    return next === undefined ? null : next.at - this.time;
  }

  /** Resolves once at least `count` timers wait (it checks at every new timer). */
  untilPending(count: number): Promise<void> {
    if (this.timers.size >= count) return Promise.resolve();
    const d = deferred<void>();
    this.watchers.add({ count, resolve: d.resolve });
    return d.promise;
  }

  /** Moves time to the earliest waiting timer and runs it (only it); returns how far time moved. */
  runNext(): number {
    const next = this.earliest();
    if (next === undefined) throw new Error('ManualClock.runNext: no timer is waiting');
    const moved = next.at - this.time;
    this.timers.delete(next);
    this.time = next.at;
    next.callback();
    return moved;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let next = this.earliest(); next !== undefined && next.at <= target; next = this.earliest()) {
      this.timers.delete(next);
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  private notify(): void {
    for (const w of [...this.watchers]) {
      if (this.timers.size < w.count) continue;
      this.watchers.delete(w);
      w.resolve();
    }
  }
}
