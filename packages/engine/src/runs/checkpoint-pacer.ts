/**
 * How long a checkpoint waits after the end of a phase, ms (issue 13): the step that ended the phase, and
 * every step that ends within the wait (the next phase's first step, the decision's parse and the run's end,
 * whose final files replace the checkpoint), share the one checkpoint written at its end, with the run as it
 * is then. Two checkpoints are never closer than this.
 */
const PHASE_CHECKPOINT_MS = 300;

/**
 * How long a checkpoint waits after a step that ends inside a phase (one of the parallel analysts, a debate
 * turn that is not the debate's last, the portfolio manager before its decision is parsed), ms (issue 13). The
 * phase's end usually comes first and its checkpoint saves the step too: at the fake model's L = 1 s a phase
 * writes one checkpoint rather than one per step. With real models (steps of tens of seconds) every step
 * still gets a checkpoint of its own, this long after it ended. It bounds what a crash can lose: the steps
 * ended inside a phase in the last `STEP_CHECKPOINT_MS`, a phase's last step in the last `PHASE_CHECKPOINT_MS`
 * (plus the time the write then takes), which a resume asks again.
 */
const STEP_CHECKPOINT_MS = 5_000;

/** Which kind of step end asks for a checkpoint: the last step of a phase, or a step inside one. */
export type CheckpointCause = 'phase' | 'step';

/** The timer of a pacer (the real one by default; tests hand in their own). */
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

/** The waits of a pacer, ms (tests shorten them). */
export interface PacerWaits {
  phaseMs?: number;
  stepMs?: number;
}

/**
 * Paces one run's checkpoints: `request('phase')` saves `phaseMs` later, `request('step')` `stepMs` later,
 * whichever wait ends first saving once for every request made so far (the other wait is dropped). So a save
 * is never later than its wait after the request it answers, and two saves are at least `phaseMs` apart.
 * `flush` saves a pending one now; `cancel` drops it (an interrupt or the run's end writes its own files).
 */
export class CheckpointPacer {
  private phaseTimer: unknown = undefined;
  private stepTimer: unknown = undefined;
  private readonly phaseMs: number;
  private readonly stepMs: number;

  constructor(
    private readonly save: () => void,
    waits: PacerWaits = {},
    private readonly clock: PacerClock = REAL_CLOCK,
  ) {
    this.phaseMs = waits.phaseMs ?? PHASE_CHECKPOINT_MS;
    this.stepMs = waits.stepMs ?? STEP_CHECKPOINT_MS;
  }

  /** A step ended: save at the end of its wait, unless a wait that ends sooner is already running. */
  request(cause: CheckpointCause): void {
    if (this.phaseTimer !== undefined) return;
    if (cause === 'phase') this.phaseTimer = this.clock.setTimeout(() => this.saveNow(), this.phaseMs);
    else this.stepTimer ??= this.clock.setTimeout(() => this.saveNow(), this.stepMs);
  }

  /** Saves a pending checkpoint now (e.g. before someone waits for the run's files). */
  flush(): void {
    if (this.phaseTimer !== undefined || this.stepTimer !== undefined) this.saveNow();
  }

  /** Drops a pending checkpoint. */
  cancel(): void {
    if (this.phaseTimer !== undefined) this.clock.clearTimeout(this.phaseTimer);
    if (this.stepTimer !== undefined) this.clock.clearTimeout(this.stepTimer);
    this.phaseTimer = undefined;
    this.stepTimer = undefined;
  }

  private saveNow(): void {
    this.cancel();
    this.save();
  }
}
