/** What a {@link JobWatch} checks and whom it tells. */
export interface JobWatchOptions {
  /** How often the jobs are checked. */
  intervalMs: number;
  /** The runs to watch now (queued or executing for this server). */
  ids(): string[];
  /** Which of `ids` have no job on the queue any more (waits while Redis is down: no verdict then). */
  jobsGone(ids: string[]): Promise<string[]>;
  /** Asks the workers whether one executes the run (it answers with an `alive` event: {@link JobWatch.alive}). */
  probe(id: string): void;
  /** The run's job vanished and no worker answered a probe for a whole interval. */
  lost(id: string): void;
}

/**
 * Notices runs whose BullMQ job vanished (a Redis restarted without persistence loses every job) and that no
 * worker executes any more, so they end clearly instead of hanging. A run whose job is gone is not lost by
 * itself: a worker executing it goes on (its events still come back), so it is probed first, and declared
 * lost only when it is still gone and unanswered at the next check. While Redis is down the check waits for
 * it, so a run is never declared lost for the outage alone.
 */
export class JobWatch {
  private suspects = new Set<string>();
  private checking = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: JobWatchOptions) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.o.intervalMs);
    // The watch alone never keeps a process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A worker said it executes the run (or the run is otherwise heard of): not a suspect any more. */
  alive(id: string): void {
    this.suspects.delete(id);
  }

  /** One round: probes runs seen gone for the first time, reports the ones still gone and unanswered. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const ids = this.o.ids();
      const gone = ids.length === 0 ? [] : await this.o.jobsGone(ids);
      const next = new Set<string>();
      for (const id of gone) {
        if (this.suspects.has(id)) this.o.lost(id);
        else {
          next.add(id);
          this.o.probe(id);
        }
      }
      this.suspects = next;
    } catch {
      // Redis refused the question (closing, or an error reply): asked again next round.
    } finally {
      this.checking = false;
    }
  }
}
