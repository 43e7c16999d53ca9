/**
 * The runs a queue-mode server has put on the queue that no worker has taken yet, in the order workers take
 * them, and their queue positions (1 = taken next). When runs leave the line, the ones behind are told their
 * new positions once, after the current burst of takes (a batch of workers taking jobs moves every run once).
 */
export class WaitingLine<T> {
  private readonly runs = new Map<string, T>();
  private timer: NodeJS.Immediate | null = null;
  private stopped = false;

  /** `moved` hears each waiting run's position after runs ahead of it left the line. */
  constructor(private readonly moved: (run: T, position: number) => void) {}

  get size(): number {
    return this.runs.size;
  }

  /** Puts a run at the end of the line. */
  add(runId: string, run: T): void {
    this.runs.set(runId, run);
  }

  /** Takes a run off the line (a worker opened it, or it ended here); false when it was not on it. */
  take(runId: string): boolean {
    if (!this.runs.delete(runId)) return false;
    this.schedule();
    return true;
  }

  /** Forgets a run without telling the ones behind (its start failed as a whole). */
  drop(runId: string): void {
    this.runs.delete(runId);
  }

  /** Each waiting run's position. */
  positions(): Map<string, number> {
    const positions = new Map<string, number>();
    let position = 0;
    for (const runId of this.runs.keys()) positions.set(runId, ++position);
    return positions;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearImmediate(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setImmediate(() => {
      this.timer = null;
      let position = 0;
      for (const run of this.runs.values()) this.moved(run, ++position);
    });
  }
}
