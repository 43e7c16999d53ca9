import { isTerminalStatus } from '@tradingfloor/shared';
import { DiskViewCache } from './disk-view-cache.js';
import type { RunEntry } from './run-entry.js';
import { readViewFromDisk } from './view-from-disk.js';

/**
 * Keeps at most `runsInMemory` finished runs whole in memory (issue 11): beyond it, the ones that finished
 * first (or were loaded first) are replaced in the manager's entries by their `evict()` entry, whose views
 * are read back from disk through one shared {@link DiskViewCache}. Interrupted runs are never evicted: a
 * resume needs what was read of them.
 */
export class RunEviction {
  /** Finished runs still held whole, oldest finish first. */
  private readonly whole = new Set<string>();
  private readonly diskViews: DiskViewCache;

  constructor(
    private readonly entries: Map<string, RunEntry>,
    private readonly runsInMemory: number,
    logBufferMaxLines: number,
  ) {
    this.diskViews = new DiskViewCache((summary, config) => readViewFromDisk(summary, config, logBufferMaxLines));
  }

  /** Counts a finished run (still the manager's entry for its id) as held whole, evicting the oldest beyond the limit. */
  keptWhole(entry: RunEntry): void {
    if (!entry.isFinished() || !isTerminalStatus(entry.status()) || this.entries.get(entry.runId) !== entry) return;
    this.whole.add(entry.runId);
    for (const runId of this.whole) {
      if (this.whole.size <= this.runsInMemory) break;
      this.whole.delete(runId);
      const whole = this.entries.get(runId);
      if (!whole?.isFinished()) continue;
      const evicted = whole.evict(this.diskViews);
      if (evicted) this.entries.set(runId, evicted);
    }
  }

  /** Forgets a pruned run. */
  forget(runId: string): void {
    this.whole.delete(runId);
    this.diskViews.delete(runId);
  }
}
