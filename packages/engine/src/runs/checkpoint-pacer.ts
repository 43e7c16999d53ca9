/**
 * Least time between two step checkpoints of one run, ms (issue 13). A run's steps often end close together
 * (the parallel analysts, fast models, the offline model): each checkpoint serialises the whole persisted
 * snapshot and rewrites `state.json` and the changed reports, so at most one is written per interval and
 * the steps in between share it. What a crash can lose is bounded by it: the steps that ended since the last
 * checkpoint written (at most this long ago), which a resume asks again.
 */
const CHECKPOINT_INTERVAL_MS = 300;

/** The clock and timer of a pacer (real ones by default; tests hand in their own). */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    // Unref'd: a pending checkpoint never holds the process open (ends and interrupts write their own).
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Paces one run's checkpoints: `request` saves at once when the last save is at least `intervalMs` old
 * (or when `urgent`, e.g. a phase boundary), otherwise once, at the end of the interval, with what is
 * current then. `flush` saves a pending one now; `cancel` drops it (the run's end writes its own files).
 */
export class CheckpointPacer {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown = undefined;

  constructor(
    private readonly save: () => void,
    private readonly intervalMs: number = CHECKPOINT_INTERVAL_MS,
    private readonly clock: PacerClock = REAL_CLOCK,
  ) {}

  /** A step or phase boundary: save now or within the interval. */
  request(urgent: boolean): void {
    const now = this.clock.now();
    if (urgent || now - this.last >= this.intervalMs) {
      this.saveNow();
      return;
    }
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => this.saveNow(), this.last + this.intervalMs - now);
  }

  /** True while a save waits for the end of the interval. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Saves a pending checkpoint now (e.g. before someone waits for the run's files). */
  flush(): void {
    if (this.timer !== undefined) this.saveNow();
  }

  /** Drops a pending checkpoint; the next request saves at once. */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A save made outside the pacer (an interrupt, the initial state) counts as the last one. */
  saved(): void {
    this.cancel();
    this.last = this.clock.now();
  }

  private saveNow(): void {
    this.saved();
    this.save();
  }
}
