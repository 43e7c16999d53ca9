/**
 * How long a run's checkpoint waits after the step end that asked for it, ms (issue 13). Every step end
 * (an agent, a debate turn, a manager, the decision's parse; the last step of a phase ends that phase) within
 * the wait shares the one checkpoint written at its end, with the run as it is then: the parallel analysts
 * finishing together, a phase's last step and the next phase's first, the decision's parse and the run's end
 * (whose final files replace the checkpoint). It is also the most a crash can lose: the steps that ended in
 * the last `CHECKPOINT_INTERVAL_MS`, which a resume asks again.
 */
const CHECKPOINT_INTERVAL_MS = 300;

/** The clock and timer of a pacer (real ones by default; tests hand in their own). */
export interface PacerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: PacerClock = {
  setTimeout: (fn, ms) => {
    // Unref'd: a pending checkpoint never holds the process open (ends and interrupts write their own).
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Paces one run's checkpoints: `request` saves `intervalMs` later, once for every request made meanwhile, so
 * two saves are at least `intervalMs` apart and none is later than `intervalMs` after the request it answers.
 * `flush` saves a pending one now; `cancel` drops it (an interrupt or the run's end writes its own files).
 */
export class CheckpointPacer {
  private timer: unknown = undefined;

  constructor(
    private readonly save: () => void,
    private readonly intervalMs: number = CHECKPOINT_INTERVAL_MS,
    private readonly clock: PacerClock = REAL_CLOCK,
  ) {}

  /** A step ended: save at the end of the wait (already running, or started now). */
  request(): void {
    this.timer ??= this.clock.setTimeout(() => this.saveNow(), this.intervalMs);
  }

  /** Saves a pending checkpoint now (e.g. before someone waits for the run's files). */
  flush(): void {
    if (this.timer !== undefined) this.saveNow();
  }

  /** Drops a pending checkpoint. */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private saveNow(): void {
    this.cancel();
    this.save();
  }
}
