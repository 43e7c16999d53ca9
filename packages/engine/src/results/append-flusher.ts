/** How long a log line may wait in memory before it is written, ms (issue 13; README, "Durable runs"). */
const APPEND_WINDOW_MS = 200;

/** Something with appends waiting: `flushAppends` queues their write. */
export interface AppendOwner {
  flushAppends(): void;
}

/** The timer of a flusher (the real one by default; tests hand in their own). */
export interface FlushTimer {
  setTimeout(fn: () => void, ms: number): unknown;
}

const REAL_TIMER: FlushTimer = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
};

/**
 * Writes the waiting appends of many write queues at most `windowMs` after the first of them: one timer for
 * the whole process rather than one per run, and a thousand runs' log lines leave in one batch. The timer is
 * not unref'd: lines still waiting keep the process up for the rest of the window, so a process that ends on
 * its own writes them.
 */
export class AppendFlusher {
  private readonly waiting = new Set<AppendOwner>();
  private armed = false;

  constructor(
    private readonly windowMs: number = APPEND_WINDOW_MS,
    private readonly timer: FlushTimer = REAL_TIMER,
  ) {}

  /** `owner` has appends waiting: they are flushed when the window ends (unless the owner flushes first). */
  schedule(owner: AppendOwner): void {
    this.waiting.add(owner);
    if (this.armed) return;
    this.armed = true;
    this.timer.setTimeout(() => this.fire(), this.windowMs);
  }

  /** `owner` flushed on its own (a whole-file write, `idle`): nothing to do for it when the window ends. */
  forget(owner: AppendOwner): void {
    this.waiting.delete(owner);
  }

  private fire(): void {
    this.armed = false;
    const owners = [...this.waiting];
    this.waiting.clear();
    for (const owner of owners) owner.flushAppends();
  }
}

/** The flusher every run's write queue uses unless given one. */
export const sharedAppendFlusher = new AppendFlusher();
